//! Invitations into an organisation on both engines: nothing opens before the answer; accepted,
//! they become a membership with the organisation's own teams; answers are final; a newer
//! invitation replaces a pending one; a password set with a link withdraws the rest.

use domain::accounts::{Email, Role};
use domain::ids::InvitationId;
use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::{OrganisationId, TeamId, UserId};
use store::invitations::{self, NewInvitation};
use store::organisations::{self, Organisation};
use store::{Db, Ts, accounts, teams};
use testkit::engine_tests;
use time::macros::datetime;

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

async fn org(db: &Db, slug: &str) -> Organisation {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, at(0)).await.unwrap()
}

async fn team(db: &Db, org: &Organisation, name: &str) -> TeamId {
    let new = NewTeam {
        id: TeamId::new(),
        organisation_id: org.id,
        name: DisplayName::parse(name).unwrap(),
    };
    teams::insert(db, &new, at(0)).await.unwrap().id
}

async fn user(db: &Db, email: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(email).unwrap();
    let name = DisplayName::parse("Camille Martin").unwrap();
    let new = accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    id
}

/// Invites `user` into `org` at minute `now`, for an hour, with a link whose hash is
/// `[link; 32]`.
async fn invite(
    db: &Db,
    org: &Organisation,
    user: UserId,
    role: Role,
    teams: &[(TeamId, bool)],
    link: u8,
    now: i64,
) -> InvitationId {
    let id = InvitationId::new();
    let new = NewInvitation {
        id,
        organisation_id: org.id,
        user_id: user,
        role,
        teams,
        invited_name: "Typed Name",
        link_hash: &[link; 32],
        invited_by: None,
        expires_at: at(now + 60),
    };
    let mut tx = db.begin_write().await.unwrap();
    invitations::insert(&mut tx, &new, at(now)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

engine_tests! {
    async fn an_invitation_opens_nothing_until_accepted_then_brings_the_organisations_own_teams(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "ccas-a").await, org(&db, "ccas-b").await);
        let accueil = team(&db, &a, "Accueil").await;
        let foreign = team(&db, &b, "Équipe de rue").await;
        let camille = user(&db, "camille@x.example").await;
        let id = invite(&db, &a, camille, Role::Supervisor, &[(accueil, true), (foreign, false)], 1, 0).await;
        assert!(accounts::memberships_of(&db, camille).await.unwrap().is_empty(), "nothing before the answer");
        let mine = invitations::pending_of_user(&db, camille, at(1)).await.unwrap();
        assert_eq!((mine.len(), mine[0].organisation_name.as_str(), mine[0].role), (1, "ccas-a", Role::Supervisor));
        let listed = invitations::pending_in_organisation(&db, a.id, at(1)).await.unwrap();
        assert_eq!((listed[0].email.as_str(), listed[0].invited_name.as_str()), ("camille@x.example", "Typed Name"));
        assert!(invitations::pending_in_organisation(&db, b.id, at(1)).await.unwrap().is_empty());
        // Another user cannot answer it.
        let other = user(&db, "other@x.example").await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(invitations::accept(&mut tx, id, other, at(2)).await.unwrap().is_none());
        let accepted = invitations::accept(&mut tx, id, camille, at(2)).await.unwrap().expect("pending");
        tx.commit().await.unwrap();
        assert_eq!(accepted.teams, vec![(accueil, true)], "another organisation's team is never given");
        assert!(accepted.membership.is_some());
        let memberships = accounts::memberships_of(&db, camille).await.unwrap();
        assert_eq!((memberships.len(), memberships[0].organisation_id, memberships[0].role), (1, a.id, Role::Supervisor));
        assert_eq!(accounts::teams_of_membership(&db, camille, a.id).await.unwrap(), vec![(accueil, true)]);
        assert!(invitations::pending_of_user(&db, camille, at(3)).await.unwrap().is_empty());
        let stored = invitations::find_of_user(&db, id, camille).await.unwrap().unwrap();
        assert_eq!(stored.answer.as_deref(), Some("accepted"));
        assert!(invitations::find_of_user(&db, id, other).await.unwrap().is_none(), "not another user's to see");
    }

    async fn answers_are_final_a_newer_invitation_replaces_a_pending_one_and_expiry_ends_it(db) {
        let db = db.migrated().await;
        let a = org(&db, "ccas-a").await;
        let camille = user(&db, "camille@x.example").await;
        let first = invite(&db, &a, camille, Role::Worker, &[], 1, 0).await;
        let second = invite(&db, &a, camille, Role::Dpo, &[], 2, 1).await;
        let pending = invitations::pending_of_user(&db, camille, at(2)).await.unwrap();
        assert_eq!(pending.iter().map(|p| p.id).collect::<Vec<_>>(), vec![second], "the latest offer wins");
        let replaced = invitations::find_of_user(&db, first, camille).await.unwrap().unwrap();
        assert_eq!(replaced.answer.as_deref(), Some("replaced"));
        let mut tx = db.begin_write().await.unwrap();
        assert!(invitations::accept(&mut tx, first, camille, at(2)).await.unwrap().is_none(), "a replaced invitation is not accepted");
        assert!(invitations::decline(&mut tx, second, camille, at(2)).await.unwrap().is_some());
        assert!(invitations::accept(&mut tx, second, camille, at(3)).await.unwrap().is_none(), "declined is final");
        tx.commit().await.unwrap();
        assert!(accounts::memberships_of(&db, camille).await.unwrap().is_empty());
        // Past its hour, an invitation is neither listed nor accepted.
        let third = invite(&db, &a, camille, Role::Worker, &[], 3, 10).await;
        assert!(invitations::pending_in_organisation(&db, a.id, at(71)).await.unwrap().is_empty());
        assert!(!invitations::find_of_user(&db, third, camille).await.unwrap().unwrap().is_pending(at(71)));
        let mut tx = db.begin_write().await.unwrap();
        assert!(invitations::accept(&mut tx, third, camille, at(71)).await.unwrap().is_none());
        assert!(invitations::accept(&mut tx, third, camille, at(69)).await.unwrap().is_some());
        tx.commit().await.unwrap();
    }

    async fn a_link_answers_its_own_invitation_and_withdrawing_ends_the_others(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "ccas-a").await, org(&db, "ccas-b").await);
        let camille = user(&db, "camille@x.example").await;
        invite(&db, &a, camille, Role::Worker, &[], 1, 0).await;
        let from_b = invite(&db, &b, camille, Role::Manager, &[], 2, 0).await;
        let linked = invitations::find_pending_by_link(&db, &[2; 32], at(1)).await.unwrap().unwrap();
        assert_eq!((linked.organisation_name.as_str(), linked.role), ("ccas-b", Role::Manager));
        assert_eq!(invitations::pending_elsewhere(&db, camille, a.id, at(1)).await.unwrap(), 1);
        assert_eq!(invitations::membership_count(&db, camille).await.unwrap(), 0);
        let mut tx = db.begin_write().await.unwrap();
        let accepted = invitations::accept_by_link(&mut tx, &[1; 32], camille, at(1)).await.unwrap().unwrap();
        assert_eq!(accepted.invitation.organisation_id, a.id);
        let withdrawn = invitations::withdraw_pending_of_user(&mut tx, camille, at(1)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(withdrawn.iter().map(|w| w.id).collect::<Vec<_>>(), vec![from_b]);
        assert!(invitations::find_pending_by_link(&db, &[2; 32], at(1)).await.unwrap().is_none());
        let orgs: Vec<OrganisationId> = accounts::memberships_of(&db, camille).await.unwrap().into_iter().map(|m| m.organisation_id).collect();
        assert_eq!(orgs, vec![a.id]);
        assert_eq!(invitations::membership_count(&db, camille).await.unwrap(), 1);
        // A membership made by another way meanwhile is kept as it is.
        let again = invite(&db, &a, camille, Role::Dpo, &[], 3, 2).await;
        let mut tx = db.begin_write().await.unwrap();
        let accepted = invitations::accept(&mut tx, again, camille, at(3)).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        assert!(accepted.membership.is_none());
        let member = accounts::find_member_by_user(&db, a.id, camille).await.unwrap().unwrap();
        assert_eq!(member.role, Role::Worker);
    }

    async fn the_organisation_last_chosen_is_remembered(db) {
        let db = db.migrated().await;
        let a = org(&db, "ccas-a").await;
        let camille = user(&db, "camille@x.example").await;
        assert_eq!(accounts::last_organisation(&db, camille).await.unwrap(), None);
        accounts::set_last_organisation(&db, camille, a.id).await.unwrap();
        assert_eq!(accounts::last_organisation(&db, camille).await.unwrap(), Some(a.id));
    }
}
