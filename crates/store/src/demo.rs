//! Demo data: realistic, clearly fictitious, the same on every run for a given seed.
//!
//! Every place and name here is invented (Valbourg, the Haute-Vallée). Later features add
//! their own records to [`seed`], drawing from the same random stream so that the whole data
//! set stays deterministic.

use domain::accounts::{Email, Role};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::passwords::{HashParams, hash_password};
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::macros::datetime;
use uuid::Uuid;

use crate::{Db, StoreError, Ts, accounts, organisations, teams};

/// The seed `serve --demo` and `demo seed` use unless told otherwise.
pub const DEFAULT_SEED: u64 = 2026;

/// The organisations of the demo, each with its teams.
const ORGANISATIONS: &[(&str, &str, &[&str])] = &[
    (
        "ccas-valbourg",
        "CCAS de Valbourg",
        &["Accueil", "Pôle insertion", "Pôle logement", "Pôle seniors"],
    ),
    (
        "dept-haute-vallee",
        "Département de la Haute-Vallée — Service social territorial",
        &[
            "Maison des solidarités Nord",
            "Maison des solidarités Sud",
            "Cellule protection de l'enfance",
        ],
    ),
    ("le-relais", "Association Le Relais", &["Équipe de rue", "Café social", "Pairs aidants"]),
];

/// The one password of every demo account. Demo only: the demo database is never real data.
pub const DEMO_PASSWORD: &str = "passerelle-demo";

/// Team names, and whether the member supervises the team.
type DemoTeams = &'static [(&'static str, bool)];

/// One demo account: e-mail, name, organisation slug (none for the instance admin), role, and
/// the teams it belongs to (`true` when it supervises the team).
struct DemoAccount {
    email: &'static str,
    name: &'static str,
    organisation: Option<&'static str>,
    role: Role,
    teams: &'static [(&'static str, bool)],
    /// Further memberships, for people who work for two organisations.
    also: &'static [(&'static str, Role, DemoTeams)],
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@passerelle.example",
        name: "Dominique Arnaud",
        organisation: None,
        role: Role::Admin,
        teams: &[],
        also: &[],
    },
    DemoAccount {
        email: "claire.fontaine@valbourg.example",
        name: "Claire Fontaine",
        organisation: Some("ccas-valbourg"),
        role: Role::Manager,
        teams: &[],
        also: &[],
    },
    DemoAccount {
        email: "karim.benali@valbourg.example",
        name: "Karim Benali",
        organisation: Some("ccas-valbourg"),
        role: Role::Worker,
        teams: &[("Pôle insertion", false)],
        also: &[],
    },
    DemoAccount {
        email: "julie.morel@valbourg.example",
        name: "Julie Morel",
        organisation: Some("ccas-valbourg"),
        role: Role::Reception,
        teams: &[("Accueil", false)],
        also: &[],
    },
    DemoAccount {
        email: "sophie.lambert@valbourg.example",
        name: "Sophie Lambert",
        organisation: Some("ccas-valbourg"),
        role: Role::Supervisor,
        teams: &[("Pôle insertion", true), ("Pôle logement", true)],
        also: &[("le-relais", Role::Supervisor, &[("Équipe de rue", true)])],
    },
    DemoAccount {
        email: "marc.dubois@valbourg.example",
        name: "Marc Dubois",
        organisation: Some("ccas-valbourg"),
        role: Role::Dpo,
        teams: &[],
        also: &[],
    },
    DemoAccount {
        email: "nadia.haddad@lerelais.example",
        name: "Nadia Haddad",
        organisation: Some("le-relais"),
        role: Role::PeerMediator,
        teams: &[("Pairs aidants", false)],
        also: &[],
    },
    DemoAccount {
        email: "min-jun.kim@lerelais.example",
        name: "김민준 (Kim Min-jun)",
        organisation: Some("le-relais"),
        role: Role::Worker,
        teams: &[("Équipe de rue", false)],
        also: &[],
    },
    DemoAccount {
        email: "thomas.girard@haute-vallee.example",
        name: "Thomas Girard",
        organisation: Some("dept-haute-vallee"),
        role: Role::Partner,
        teams: &[],
        also: &[],
    },
];

/// What the demo data set holds, to print for the person who started the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// False when the database already held the demo data and nothing was written.
    pub created: bool,
    pub organisations: Vec<(String, String)>,
    pub teams: usize,
    /// (e-mail, role, organisation slug or "instance") of every demo account.
    pub accounts: Vec<(String, String, String)>,
}

/// A deterministic UUID v7: the timestamp and the random bits both come from the demo's
/// generator, so two runs with one seed give the same ids.
fn demo_uuid(rng: &mut ChaCha8Rng, at: Ts) -> Uuid {
    let millis = (at.get().unix_timestamp_nanos() / 1_000_000) as u64;
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// The demo organisations and teams for a seed, without touching a database.
pub fn generate(seed: u64) -> (Vec<NewOrganisation>, Vec<NewTeam>, Ts) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let created = Ts::from(datetime!(2026-01-05 08:30 UTC));
    let mut orgs = Vec::new();
    let mut all_teams = Vec::new();
    for (slug, name, team_names) in ORGANISATIONS {
        let org = NewOrganisation {
            id: OrganisationId::from_uuid(demo_uuid(&mut rng, created)),
            slug: Slug::parse(slug).expect("demo slugs are valid"),
            name: DisplayName::parse(name).expect("demo names are valid"),
            time_zone: "Europe/Paris".to_owned(),
        };
        for team in *team_names {
            all_teams.push(NewTeam {
                id: TeamId::from_uuid(demo_uuid(&mut rng, created)),
                organisation_id: org.id,
                name: DisplayName::parse(team).expect("demo team names are valid"),
            });
        }
        orgs.push(org);
    }
    (orgs, all_teams, created)
}

/// Writes the demo data set in one transaction, unless it is there already. Demo passwords
/// are hashed with `params`.
pub async fn seed(db: &Db, seed: u64, params: HashParams) -> Result<DemoSummary, StoreError> {
    let (orgs, new_teams, created_at) = generate(seed);
    let summary = |created| DemoSummary {
        created,
        organisations: orgs
            .iter()
            .map(|o| (o.slug.as_str().to_owned(), o.name.as_str().to_owned()))
            .collect(),
        teams: new_teams.len(),
        accounts: ACCOUNTS
            .iter()
            .map(|a| {
                let org = a.organisation.unwrap_or("instance");
                (a.email.to_owned(), a.role.as_str().to_owned(), org.to_owned())
            })
            .collect(),
    };
    if organisations::find_by_slug(db, orgs[0].slug.as_str()).await?.is_some() {
        return Ok(summary(false));
    }
    let mut tx = db.begin_write().await?;
    for org in &orgs {
        organisations::insert(&mut tx, org, created_at).await?;
    }
    for team in &new_teams {
        teams::insert(&mut tx, team, created_at).await?;
    }
    // The ids keep coming from the same generator, after the organisations' and teams'.
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    for account in ACCOUNTS {
        let user_id = UserId::from_uuid(demo_uuid(&mut rng, created_at));
        let email = Email::parse(account.email).expect("demo e-mails are valid");
        let name = DisplayName::parse(account.name).expect("demo names are valid");
        let new = accounts::NewUser {
            id: user_id,
            email: &email,
            display_name: &name,
            instance_admin: account.role == Role::Admin,
        };
        accounts::insert_user(&mut tx, &new, created_at).await?;
        accounts::set_password_hash(
            &mut tx,
            user_id,
            &hash_password(DEMO_PASSWORD, params),
            created_at,
        )
        .await?;
        let Some(slug) = account.organisation else { continue };
        let memberships = std::iter::once((slug, account.role, account.teams))
            .chain(account.also.iter().copied());
        for (slug, role, member_teams) in memberships {
            let org =
                orgs.iter().find(|o| o.slug.as_str() == slug).expect("demo organisations exist");
            let membership_id = MembershipId::from_uuid(demo_uuid(&mut rng, created_at));
            accounts::insert_membership(&mut tx, membership_id, user_id, org.id, role, created_at)
                .await?;
            for (team_name, supervises) in member_teams {
                let team = new_teams
                    .iter()
                    .find(|t| t.organisation_id == org.id && t.name.as_str() == *team_name)
                    .expect("demo teams exist");
                accounts::add_membership_team(&mut tx, membership_id, team.id, *supervises).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(summary(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_ids_and_another_seed_other_ids() {
        let (a, ta, _) = generate(7);
        let (b, tb, _) = generate(7);
        let (c, _, _) = generate(8);
        assert_eq!(
            a.iter().map(|o| o.id).collect::<Vec<_>>(),
            b.iter().map(|o| o.id).collect::<Vec<_>>()
        );
        assert_eq!(
            ta.iter().map(|t| t.id).collect::<Vec<_>>(),
            tb.iter().map(|t| t.id).collect::<Vec<_>>()
        );
        assert_ne!(a[0].id, c[0].id);
        assert_eq!(a[0].id.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn every_team_belongs_to_a_generated_organisation() {
        let (orgs, teams, _) = generate(DEFAULT_SEED);
        assert_eq!(orgs.len(), 3);
        assert_eq!(teams.len(), 10);
        assert!(teams.iter().all(|t| orgs.iter().any(|o| o.id == t.organisation_id)));
    }
}
