//! Demo data: realistic, clearly fictitious, the same on every run for a given seed.
//!
//! Every place and name here is invented (Valbourg, the Haute-Vallée). Later features add
//! their own records to [`seed`], drawing from the seed's random streams so that the whole data
//! set stays deterministic.
//!
//! Each organisation has its households of fictitious persons ([`population`]): 150 for the
//! CCAS, 120 for the département, 60 for the association, written in one transaction per
//! organisation with the bulk writer of [`crate::bench_data`].

mod cases;
mod names;
pub mod population;
mod situation;

use domain::accounts::{Email, Role};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::passwords::{HashParams, hash_password};
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

use crate::{Db, StoreError, Ts, accounts, bench_data, organisations, persons, teams};
use population::{Area, Generator, Household, Phones};

/// The seed `serve --demo` and `demo seed` use unless told otherwise.
pub const DEFAULT_SEED: u64 = 2026;

/// How many households each demo organisation follows, in the order of [`ORGANISATIONS`].
const HOUSEHOLDS: [usize; 3] = [150, 120, 60];

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

/// Who follows the demo cases of an organisation: (organisation, team, referent's e-mail, how
/// many cases). Kept modest: a handful of persons with a history to click through.
const CASE_FOLLOWERS: &[(&str, &str, &str, usize)] = &[
    ("ccas-valbourg", "Pôle insertion", "karim.benali@valbourg.example", 8),
    ("le-relais", "Équipe de rue", "min-jun.kim@lerelais.example", 4),
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
    /// Households and persons in all organisations.
    pub households: usize,
    pub persons: usize,
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

/// The households of every demo organisation for a seed, in the order of the organisations,
/// without touching a database. Registered between the organisations' creation and mid-2026.
pub fn households(seed: u64) -> Vec<Vec<Household>> {
    let first = Ts::from(datetime!(2026-01-06 08:30 UTC));
    let span = Duration::days(175);
    HOUSEHOLDS
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let area = if i == 1 { Area::HauteVallee } else { Area::Valbourg };
            // The organisations' and accounts' ids come from stream 0 (of the seed and of the
            // seed + 1); the households from streams 16 on, one per organisation.
            let mut g = Generator::new(
                seed,
                16 + i as u64,
                first,
                span / count as i32,
                area,
                Phones::Fiction,
            );
            (0..count).map(|_| g.household(None)).collect()
        })
        .collect()
}

/// Writes the demo data set, unless it is there already: organisations, teams and accounts in
/// one transaction, then each organisation's households in one more. Demo passwords are hashed
/// with `params`.
pub async fn seed(db: &Db, seed: u64, params: HashParams) -> Result<DemoSummary, StoreError> {
    let (orgs, new_teams, created_at) = generate(seed);
    let population = households(seed);
    let households = population.iter().map(Vec::len).sum();
    let persons = population.iter().flatten().map(|h| h.members.len()).sum();
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
        households,
        persons,
    };
    let present = organisations::find_by_slug(db, orgs[0].slug.as_str()).await?.is_some();
    if !present {
        write_organisations_and_accounts(db, seed, params, &orgs, &new_teams, created_at).await?;
    }
    let mut wrote = !present;
    for (org, org_households) in orgs.iter().zip(&population) {
        let mut tx = db.begin_write().await?;
        // Also fills a demo database made before the demo had persons, or one whose seeding
        // stopped between two organisations.
        if persons::count(&mut tx, org.id).await? == 0 {
            bench_data::write_households(&mut tx, org.id, org_households).await?;
            wrote = true;
        }
        tx.commit().await?;
    }
    if write_directory(db, &orgs, created_at).await? {
        wrote = true;
    }
    for (slug, team, referent, count) in CASE_FOLLOWERS {
        let Some(i) = orgs.iter().position(|o| o.slug.as_str() == *slug) else { continue };
        let org = orgs[i].id;
        let mut tx = db.begin_write().await?;
        if crate::cases::count(&mut tx, org).await? == 0 {
            let team = teams::list_for_organisation(&mut tx, org)
                .await?
                .into_iter()
                .find(|t| t.name == *team)
                .map(|t| t.id);
            let referent = accounts::find_user_by_email(&mut tx, referent).await?.map(|u| u.id);
            if let (Some(team), Some(referent)) = (team, referent) {
                let followers = cases::Followers { team, referent, co_referent: None };
                cases::write(&mut tx, seed, org, &population[i], &followers, *count).await?;
                wrote = true;
            }
        }
        tx.commit().await?;
    }
    Ok(summary(wrote))
}

/// The demo's directory entry hosted on the instance: the department's territorial social
/// service (whose partner user is Thomas Girard), so that a referral from the CCAS arrives in
/// its inbox. Written once (found again by its source key); `true` when written.
async fn write_directory(
    db: &Db,
    orgs: &[NewOrganisation],
    created_at: Ts,
) -> Result<bool, StoreError> {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    const KEY: &str = "demo:dept-haute-vallee";
    let Some(dept) = orgs.iter().find(|o| o.slug.as_str() == "dept-haute-vallee") else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    let present: Option<Uuid> = sql!(
        scalar Uuid,
        fetch_optional,
        &mut tx,
        "SELECT id FROM partner_organisations WHERE source_key = $1",
        KEY,
    )?;
    if present.is_some() {
        return Ok(false);
    }
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: "Département de la Haute-Vallée — Service social territorial".into(),
        kind: "other".into(),
        description: "Accompagnement social global, fonds de solidarité logement.".into(),
        city: "Valbourg".into(),
        postal_code: "38500".into(),
        ..Default::default()
    })
    .expect("the demo partner is valid");
    let service = domain::partners::validate_service(
        &ServiceDraft {
            name: "Fonds de solidarité logement".into(),
            description: "Aides au maintien et à l'accès au logement.".into(),
            area_served: "Haute-Vallée".into(),
            how_to_refer: "Orientation par un travailleur social, dans Passerelle.".into(),
            domains: vec!["housing".into()],
            ..Default::default()
        },
        &default_domains(),
    )
    .expect("the demo service is valid");
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let partner_id = domain::PartnerId::from_uuid(demo_uuid(&mut rng, created_at));
    let service_id = domain::PartnerServiceId::from_uuid(demo_uuid(&mut rng, created_at));
    crate::partners::insert_partner(
        &mut tx,
        partner_id,
        Some(KEY),
        &partner,
        Some(dept.id),
        None,
        created_at,
    )
    .await?;
    let service_key = format!("{KEY}:fsl");
    crate::partners::insert_service(
        &mut tx,
        service_id,
        partner_id,
        Some(&service_key),
        &service,
        None,
        created_at,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn write_organisations_and_accounts(
    db: &Db,
    seed: u64,
    params: HashParams,
    orgs: &[NewOrganisation],
    new_teams: &[NewTeam],
    created_at: Ts,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    for org in orgs {
        organisations::insert(&mut tx, org, created_at).await?;
    }
    for team in new_teams {
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
    tx.commit().await
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
    fn every_organisation_has_its_households_the_same_for_the_same_seed() {
        let a = households(DEFAULT_SEED);
        assert_eq!(a.iter().map(Vec::len).collect::<Vec<_>>(), HOUSEHOLDS);
        assert_eq!(a, households(DEFAULT_SEED));
        let other = households(DEFAULT_SEED + 1);
        assert_ne!(a[0][0].members[0].record, other[0][0].members[0].record);
        assert_ne!(a[0][0].members[0].record, a[1][0].members[0].record);
        let persons: Vec<_> = a.iter().flatten().flat_map(|h| &h.members).collect();
        assert!((700..1100).contains(&persons.len()), "{}", persons.len());
        let mut ids: Vec<_> = persons.iter().map(|m| m.person_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), persons.len(), "person ids are unique");
        // Registered after the organisations were created, and never in the future.
        let (_, _, created) = generate(DEFAULT_SEED);
        assert!(a.iter().flatten().all(|h| h.created_at > created));
        assert!(
            a.iter()
                .flatten()
                .all(|h| h.created_at.get().date() <= time::macros::date!(2026 - 06 - 30))
        );
        // The CCAS's households live in Valbourg, most of them.
        let in_valbourg =
            a[0].iter().filter(|h| h.members[0].record.town.as_deref() == Some("Valbourg")).count();
        assert!(in_valbourg > 90, "{in_valbourg}");
        // Names with accents, hyphens, particles, and in Hangul.
        let names: Vec<String> = persons.iter().map(|m| m.record.display_name()).collect();
        assert!(names.iter().any(|n| n.contains('é') || n.contains('è')));
        assert!(names.iter().any(|n| n.contains('-')));
        assert!(names.iter().any(|n| n.contains("Le ") || n.contains("N'") || n.contains("D'")));
        assert!(names.iter().any(|n| n.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))));
    }

    #[test]
    fn every_team_belongs_to_a_generated_organisation() {
        let (orgs, teams, _) = generate(DEFAULT_SEED);
        assert_eq!(orgs.len(), 3);
        assert_eq!(teams.len(), 10);
        assert!(teams.iter().all(|t| orgs.iter().any(|o| o.id == t.organisation_id)));
    }
}
