//! Administration commands: organisations and accounts, from the command line.

use domain::accounts::{Email, Role};
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::{MembershipId, OrganisationId, UserId};
use store::accounts::{self, NewUser, TokenPurpose};
use store::audit::NewAuditEvent;
use store::{Db, StoreError, Ts, organisations};

use crate::Failure;

/// How long a link to set a first password stays valid.
const SET_PASSWORD_LINK_HOURS: i64 = 72;
/// The reason recorded on audit events of commands run on the server itself.
const CLI_REASON: &str = "command line";

fn store_failure(e: StoreError, what: &str) -> Failure {
    match e {
        StoreError::Duplicate { field } => Failure(format!("{what}: the {field} is already taken")),
        other => Failure(other.to_string()),
    }
}

/// Checks an IANA time zone name's shape (`Europe/Paris`, `America/Argentina/Salta`, `UTC`).
fn time_zone(input: &str) -> Result<String, Failure> {
    let tz = input.trim();
    let valid = tz == "UTC"
        || (tz.contains('/')
            && tz.split('/').all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
            }));
    if valid {
        Ok(tz.to_owned())
    } else {
        Err(Failure(format!("--time-zone {tz:?}: expected an IANA time zone such as Europe/Paris")))
    }
}

pub async fn org_create(db: &Db, slug: &str, name: &str, tz: &str) -> Result<(), Failure> {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).map_err(|e| Failure(format!("--slug {slug:?}: {e}")))?,
        name: DisplayName::parse(name).map_err(|e| Failure(format!("--name: {e}")))?,
        time_zone: time_zone(tz)?,
    };
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let org = organisations::insert(&mut tx, &new, now)
        .await
        .map_err(|e| store_failure(e, "organisation"))?;
    let event = NewAuditEvent::new(AuditAction::OrganisationCreated, None)
        .on("organisation", org.id.as_uuid())
        .because(CLI_REASON);
    store::audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    println!("Organisation created: {} [{}], time zone {}", org.name, org.slug, org.time_zone);
    Ok(())
}

pub async fn org_list(db: &Db) -> Result<(), Failure> {
    let list = organisations::list_with_team_counts(db).await?;
    if list.is_empty() {
        println!(
            "No organisation yet. Create one with: passerelle org create --slug SLUG --name NAME"
        );
    }
    for o in list {
        println!("{:<24} {}  ({} teams, {})", o.slug, o.name, o.team_count, o.time_zone);
    }
    Ok(())
}

/// Creates an account and prints the one-time link with which its owner sets a password.
pub async fn user_create(
    db: &Db,
    base_url: &str,
    email: &str,
    name: &str,
    org: Option<&str>,
    role: Option<&str>,
) -> Result<(), Failure> {
    let email = Email::parse(email)
        .map_err(|_| Failure(format!("--email {email:?}: this is not an e-mail address")))?;
    let name = DisplayName::parse(name).map_err(|e| Failure(format!("--name: {e}")))?;
    let role = match role {
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            Failure(format!("--role {r:?}: expected one of {}", names.join(", ")))
        })?),
        None => None,
    };
    let organisation = match (org, role) {
        (Some(_), Some(Role::Admin)) => {
            return Err(Failure("--role admin is instance-wide: leave out --org".into()));
        }
        (None, Some(Role::Admin)) => None,
        (None, _) => {
            return Err(Failure(
                "--org SLUG is needed (or --role admin for an instance administrator)".into(),
            ));
        }
        (Some(_), None) => return Err(Failure("--role is needed with --org".into())),
        (Some(slug), Some(_)) => {
            Some(organisations::find_by_slug(db, slug).await?.ok_or_else(|| {
                Failure(format!("--org {slug:?}: no such organisation (see passerelle org list)"))
            })?)
        }
    };
    let now = Ts::now();
    let user_id = UserId::new();
    let token = hex_token();
    let mut tx = db.begin_write().await?;
    let new = NewUser {
        id: user_id,
        email: &email,
        display_name: &name,
        instance_admin: role == Some(Role::Admin),
    };
    accounts::insert_user(&mut tx, &new, now).await.map_err(|e| store_failure(e, "account"))?;
    let org_id = organisation.as_ref().map(|o| o.id);
    if let (Some(org), Some(role)) = (&organisation, role) {
        accounts::insert_membership(&mut tx, MembershipId::new(), user_id, org.id, role, now)
            .await?;
    }
    let expires = Ts::from(now.get() + time::Duration::hours(SET_PASSWORD_LINK_HOURS));
    accounts::insert_one_time_token(
        &mut tx,
        &sha256(&token),
        user_id,
        TokenPurpose::SetPassword,
        now,
        expires,
    )
    .await?;
    let mut event = NewAuditEvent::new(AuditAction::UserCreated, org_id)
        .on("user", user_id.as_uuid())
        .because(CLI_REASON);
    if let Some(role) = role {
        event = event.detail("role", role.as_str());
    }
    store::audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    let place = organisation
        .map(|o| format!(" in {} [{}]", o.name, o.slug))
        .unwrap_or_else(|| " (instance administrator)".into());
    println!("Account created for {}{place}.", email.as_str());
    println!(
        "One-time link to set the password (valid {SET_PASSWORD_LINK_HOURS} hours, usable once):"
    );
    println!("{base_url}/account/password/{token}");
    Ok(())
}

fn hex_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

fn sha256(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_must_look_like_iana_names() {
        assert_eq!(time_zone("Europe/Paris").unwrap(), "Europe/Paris");
        assert!(time_zone("America/Argentina/Salta").is_ok());
        assert!(time_zone("UTC").is_ok());
        for bad in ["Paris", "Europe/", "/Paris", "Europe Paris", ""] {
            assert!(time_zone(bad).is_err(), "{bad:?}");
        }
    }
}
