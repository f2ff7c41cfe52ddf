//! API tokens from the command line: create one for a user's membership (printed once), list
//! a user's tokens, revoke any token.

use clap::Subcommand;
use domain::ApiTokenId;
use domain::api_tokens::{Scopes, TokenLifetime, TokenName, TokenSecret};
use domain::audit::AuditAction;
use store::api_tokens::{self, NewApiToken, Revoker};
use store::audit::NewAuditEvent;
use store::{Db, Ts, accounts, organisations};

use crate::Failure;

/// The reason recorded on audit events of commands run on the server itself.
const CLI_REASON: &str = "command line";

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting with a user's rights in one organisation, and print it once.
    Create {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// The organisation the token acts in (see `passerelle org list`); the user must be an
        /// active member of it.
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// Comma-separated: persons:read, persons:write, cases:read, cases:write, notes:read,
        /// notes:write, referrals:read, referrals:write, aid:read, aid:write, reports:read,
        /// audit:read — or all (the user's own rights).
        #[arg(long)]
        scopes: String,
        /// How many days the token stays valid (1 to 365).
        #[arg(long, value_name = "N")]
        days: i64,
        /// What the token is for, as shown in the user's list.
        #[arg(long, default_value = "command line")]
        name: String,
    },
    /// List a user's tokens (never the tokens themselves).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        /// The token's id, as `token list` prints it.
        #[arg(long)]
        id: String,
    },
}

pub async fn run(db: &Db, command: TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Create { email, org, scopes, days, name } => {
            create(db, &email, &org, &scopes, days, &name).await
        }
        TokenCommand::List { email } => list(db, &email).await,
        TokenCommand::Revoke { id } => revoke(db, &id).await,
    }
}

/// A date and time as printed: `2026-03-02 09:00 UTC`.
fn shown(ts: Ts) -> String {
    let t = ts.get();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

async fn user_by_email(db: &Db, email: &str) -> Result<accounts::User, Failure> {
    let normalised = email.trim().to_lowercase();
    accounts::find_user_by_email(db, &normalised)
        .await?
        .ok_or_else(|| Failure(format!("--email {email:?}: no such account")))
}

async fn create(
    db: &Db,
    email: &str,
    org: &str,
    scopes: &str,
    days: i64,
    name: &str,
) -> Result<(), Failure> {
    let scopes = Scopes::parse(scopes).map_err(|e| Failure(format!("--scopes: {e}")))?;
    let lifetime = TokenLifetime::days(days).map_err(|e| Failure(format!("--days {days}: {e}")))?;
    let name = TokenName::parse(name).map_err(|e| Failure(format!("--name: {e}")))?;
    let user = user_by_email(db, email).await?;
    if user.disabled_at.is_some() {
        return Err(Failure(format!("--email {email:?}: this account is disabled")));
    }
    let organisation = organisations::find_by_slug(db, org).await?.ok_or_else(|| {
        Failure(format!("--org {org:?}: no such organisation (see passerelle org list)"))
    })?;
    let memberships = accounts::memberships_of(db, user.id).await?;
    let Some(membership) = memberships.iter().find(|m| m.organisation_id == organisation.id) else {
        return Err(Failure(format!(
            "--org {org:?}: {} has no active membership of this organisation",
            user.email
        )));
    };
    let secret = TokenSecret::generate();
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let token = api_tokens::insert(
        &mut tx,
        &NewApiToken {
            id: ApiTokenId::new(),
            user_id: user.id,
            organisation_id: organisation.id,
            name: &name,
            token_hash: &secret.hash(),
            scopes: &scopes,
            expires_at: Ts::from(now.get() + time::Duration::days(lifetime.in_days().into())),
            created_by: None,
        },
        now,
    )
    .await?;
    let event = NewAuditEvent::new(AuditAction::TokenCreated, Some(organisation.id))
        .on("api_token", token.id.as_uuid())
        .because(CLI_REASON)
        .detail("scopes", scopes.to_codes())
        .detail("days", lifetime.in_days());
    store::audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    println!(
        "API token created for {} in {} [{}] as {}, scopes {}.",
        user.email, organisation.name, organisation.slug, membership.role, scopes
    );
    println!("id: {}", token.id);
    println!("expires: {}", shown(token.expires_at));
    println!("Copy it now, it will not be shown again:");
    println!("{}", secret.expose());
    Ok(())
}

async fn list(db: &Db, email: &str) -> Result<(), Failure> {
    let user = user_by_email(db, email).await?;
    let tokens = api_tokens::list_of_user(db, user.id).await?;
    if tokens.is_empty() {
        println!("{} has no API token.", user.email);
    }
    let now = Ts::now();
    for summary in tokens {
        let t = &summary.token;
        let status = match t.revoked_at {
            Some(at) => format!("revoked {}", shown(at)),
            None if t.expires_at <= now => "expired".to_owned(),
            None => "active".to_owned(),
        };
        let last_used = t.last_used_at.map_or_else(|| "never".to_owned(), shown);
        println!(
            "{}  {:<20} {:<24} {}  created {}  expires {}  last used {}  {status}",
            t.id,
            t.name,
            summary.organisation_slug,
            t.scopes,
            shown(t.created_at),
            shown(t.expires_at),
            last_used,
        );
    }
    Ok(())
}

async fn revoke(db: &Db, id: &str) -> Result<(), Failure> {
    let token_id: ApiTokenId =
        id.trim().parse().map_err(|_| Failure(format!("--id {id:?}: not a token id")))?;
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let Some(revocation) =
        api_tokens::revoke(&mut tx, token_id, Revoker::Administrator, now).await?
    else {
        return Err(Failure(format!("--id {id:?}: no such token (see passerelle token list)")));
    };
    if revocation.newly_revoked {
        let event =
            NewAuditEvent::new(AuditAction::TokenRevoked, Some(revocation.token.organisation_id))
                .on("api_token", token_id.as_uuid())
                .because(CLI_REASON);
        store::audit::append(&mut tx, &event, now).await?;
    }
    tx.commit().await?;
    let at = revocation.token.revoked_at.map(shown).unwrap_or_default();
    if revocation.newly_revoked {
        println!("Token {token_id} revoked ({at}).");
    } else {
        println!("Token {token_id} was already revoked ({at}).");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_printed_to_the_minute_in_utc() {
        let ts = Ts::from(time::macros::datetime!(2026-03-02 09:07:59 UTC));
        assert_eq!(shown(ts), "2026-03-02 09:07 UTC");
    }
}
