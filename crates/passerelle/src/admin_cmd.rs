//! Administration commands: organisations and accounts, from the command line.

use domain::accounts::{Email, RESET_PASSWORD_LINK_HOURS, Role, SET_PASSWORD_LINK_HOURS};
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewOrganisation, Slug, TimeZoneName};
use domain::{MembershipId, OrganisationId, UserId};
use store::accounts::{self, NewMembership, NewUser};
use store::audit::NewAuditEvent;
use store::{Db, StoreError, Ts, organisations};

use crate::Failure;

/// The reason recorded on audit events of commands run on the server itself.
const CLI_REASON: &str = "command line";

fn store_failure(e: StoreError, what: &str) -> Failure {
    match e {
        StoreError::Duplicate { field } => Failure(format!("{what}: the {field} is already taken")),
        other => Failure(other.to_string()),
    }
}

fn time_zone(input: &str) -> Result<String, Failure> {
    TimeZoneName::parse(input).map(|tz| tz.as_str().to_owned()).ok_or_else(|| {
        Failure(format!("--time-zone {input:?}: expected an IANA time zone such as Europe/Paris"))
    })
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
    let mut tx = db.begin_write().await?;
    let new = NewUser {
        id: user_id,
        email: &email,
        display_name: &name,
        instance_admin: role == Some(Role::Admin),
    };
    let org_id = organisation.as_ref().map(|o| o.id);
    let membership = match (&organisation, role) {
        (Some(org), Some(role)) => Some(NewMembership {
            id: MembershipId::new(),
            organisation_id: org.id,
            role,
            teams: &[],
        }),
        _ => None,
    };
    let created = accounts::create_with_link(&mut tx, &new, membership.as_ref(), now)
        .await
        .map_err(|e| store_failure(e, "account"))?;
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
    println!("{base_url}{}", created.link.path());
    Ok(())
}

/// Prints a one-time link with which an account's owner chooses a new password (a forgotten
/// password, an account that opens several organisations, an instance administrator). Earlier
/// links of the account stop working; its sessions end when the link is used.
pub async fn user_reset_password(db: &Db, base_url: &str, email: &str) -> Result<(), Failure> {
    let typed = email;
    let email = Email::parse(typed)
        .map_err(|_| Failure(format!("--email {typed:?}: this is not an e-mail address")))?;
    let user = accounts::find_user_by_email(db, email.as_str()).await?.ok_or_else(|| {
        Failure(format!(
            "--email {typed:?}: no such account (create it with passerelle user create)"
        ))
    })?;
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let link = accounts::create_reset_link(&mut tx, user.id, now).await?;
    let event = NewAuditEvent::new(AuditAction::AdminAction, None)
        .on("user", user.id.as_uuid())
        .detail("change", "password_reset_link")
        .because(CLI_REASON);
    store::audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    if user.disabled_at.is_some() {
        println!("Note: this account is disabled; it cannot sign in until it is enabled again.");
    }
    println!(
        "One-time link to choose a new password for {} (valid {RESET_PASSWORD_LINK_HOURS} hours, \
         usable once; earlier links no longer work, and the account's sessions end when it is used):",
        email.as_str()
    );
    println!("{base_url}{}", link.path());
    Ok(())
}
