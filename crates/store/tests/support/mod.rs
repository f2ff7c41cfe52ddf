//! What several store test binaries set up the same way: a time, an organisation with a team,
//! a worker, a person, an open case. Each binary includes it with `mod support;`.

#![allow(dead_code)] // Each binary uses its share.

use domain::accounts::{Email, Role};
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::{CaseId, MembershipId, OrganisationId, PersonId, TeamId, UserId};
use store::cases::{self, NewCase};
use store::{Db, Ts, accounts, organisations, persons, teams};
use time::macros::datetime;

/// `minutes` after 26/11/2026 09:00 UTC.
pub fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-11-26 09:00 UTC) + time::Duration::minutes(minutes))
}

/// A worker of `org`.
pub async fn user(db: &Db, org: OrganisationId, name: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(&format!("{}@store.example", name.to_lowercase())).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    accounts::insert_membership(db, MembershipId::new(), id, org, Role::Worker, at(0))
        .await
        .unwrap();
    id
}

/// An organisation (slug `test-<slug>`, in Paris) with one team.
pub async fn organisation(db: &Db, slug: &str) -> (OrganisationId, TeamId) {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(&format!("test-{slug}")).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    let org = organisations::insert(db, &new, at(0)).await.unwrap().id;
    let team = NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse("Accueil").unwrap(),
    };
    (org, teams::insert(db, &team, at(0)).await.unwrap().id)
}

/// A person named `name`, first names Amel.
pub async fn person(db: &Db, org: OrganisationId, name: &str) -> PersonId {
    let id = PersonId::new();
    let rec = domain::persons::PersonRecord {
        birth_name: Some(name.into()),
        first_names: Some("Amel".into()),
        ..Default::default()
    };
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, id, &rec, None, at(0)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// An open case of `p` in `team`, followed by `referent`.
pub async fn open(
    db: &Db,
    org: OrganisationId,
    p: PersonId,
    team: TeamId,
    referent: UserId,
) -> CaseId {
    let id = CaseId::new();
    let new = NewCase {
        id,
        organisation_id: org,
        person_id: p,
        household_id: None,
        team_id: team,
        referent_id: referent,
        co_referents: &[],
        reason: "Titre de séjour",
        orientation_source: None,
        opened_by: referent,
    };
    let mut tx = db.begin_write().await.unwrap();
    cases::open(&mut tx, &new, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    id
}
