//! API tokens on both engines: stored by hash, found with their user and membership only while
//! active, touched at most once a minute, listed per user, revoked by their owner or an
//! administrator.

use domain::accounts::{Email, Role};
use domain::api_tokens::{Scope, Scopes, TokenName, TokenSecret};
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::{ApiTokenId, MembershipId, OrganisationId, UserId};
use store::api_tokens::{self, NewApiToken, Revoker};
use store::organisations::{self, Organisation};
use store::{Db, StoreError, Ts, accounts};
use testkit::engine_tests;
use time::macros::datetime;

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

async fn org(db: &Db, slug: &str, name: &str) -> Organisation {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(name).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, at(0)).await.unwrap()
}

async fn user(db: &Db, email: &str, memberships: &[(&Organisation, Role)]) -> UserId {
    let id = UserId::new();
    let email = Email::parse(email).unwrap();
    let name = DisplayName::parse("Camille Martin").unwrap();
    let new = accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    for (org, role) in memberships {
        accounts::insert_membership(db, MembershipId::new(), id, org.id, *role, at(0))
            .await
            .unwrap();
    }
    id
}

/// Inserts a token created at minute 0 and valid until `expires` (minutes); returns its id and
/// secret.
async fn token(
    db: &Db,
    user_id: UserId,
    org: &Organisation,
    scopes: &str,
    expires: i64,
) -> (ApiTokenId, TokenSecret) {
    let secret = TokenSecret::generate();
    let new = NewApiToken {
        id: ApiTokenId::new(),
        user_id,
        organisation_id: org.id,
        name: &TokenName::parse("nightly export").unwrap(),
        token_hash: &secret.hash(),
        scopes: &Scopes::parse(scopes).unwrap(),
        expires_at: at(expires),
        created_by: Some(user_id),
    };
    let stored = api_tokens::insert(db, &new, at(0)).await.unwrap();
    (stored.id, secret)
}

/// Runs one statement as someone with SQL access would.
async fn execute(db: &Db, sql: &str, at: Ts, id: uuid::Uuid) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).bind(at).bind(id).execute(p).await.map(drop),
        Db::Postgres(p) => sqlx::query(sql).bind(at).bind(id).execute(p).await.map(drop),
    }
    .unwrap();
}

engine_tests! {
    async fn an_active_token_is_found_by_its_hash_with_its_user_membership_and_scopes(db) {
        let db = db.migrated().await;
        let ccas = org(&db, "ccas-a", "CCAS A").await;
        let camille = user(&db, "camille@x.example", &[(&ccas, Role::Worker)]).await;
        let (id, secret) = token(&db, camille, &ccas, "cases:read, persons:read", 60).await;
        let found = api_tokens::find_active_by_hash(&db, &secret.hash(), at(1)).await.unwrap().unwrap();
        assert_eq!(found.token_id, id);
        assert_eq!(found.user_id, camille);
        assert_eq!(found.organisation_id, ccas.id);
        assert_eq!(found.organisation_name, "CCAS A");
        assert_eq!(found.role(), Some(Role::Worker));
        assert_eq!(found.scopes.as_slice(), [Scope::PersonsRead, Scope::CasesRead]);
        assert_eq!((found.email.as_str(), found.display_name.as_str()), ("camille@x.example", "Camille Martin"));
        assert!(!found.instance_admin);
        assert_eq!(found.user_disabled_at, None);
        assert_eq!(found.expires_at, at(60));
        assert_eq!(found.last_used_at, None);
        let unknown = TokenSecret::generate();
        assert!(api_tokens::find_active_by_hash(&db, &unknown.hash(), at(1)).await.unwrap().is_none());
    }

    async fn only_the_hash_is_stored_and_it_is_unique(db) {
        let db = db.migrated().await;
        let ccas = org(&db, "ccas-a", "CCAS A").await;
        let camille = user(&db, "camille@x.example", &[(&ccas, Role::Worker)]).await;
        let (_, secret) = token(&db, camille, &ccas, "all", 60).await;
        let stored: Vec<u8> = match &db {
            Db::Sqlite(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_one(p).await,
        }
        .unwrap();
        assert_eq!(stored, secret.hash().to_vec());
        let again = NewApiToken {
            id: ApiTokenId::new(),
            user_id: camille,
            organisation_id: ccas.id,
            name: &TokenName::parse("copy").unwrap(),
            token_hash: &secret.hash(),
            scopes: &Scopes::parse("all").unwrap(),
            expires_at: at(60),
            created_by: None,
        };
        let err = api_tokens::insert(&db, &again, at(0)).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { field: "token" }), "{err:?}");
    }

    async fn a_token_needs_a_membership_of_its_organisation(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "ccas-a", "CCAS A").await, org(&db, "ccas-b", "CCAS B").await);
        let camille = user(&db, "camille@x.example", &[(&a, Role::Worker)]).await;
        let secret = TokenSecret::generate();
        let new = NewApiToken {
            id: ApiTokenId::new(),
            user_id: camille,
            organisation_id: b.id,
            name: &TokenName::parse("elsewhere").unwrap(),
            token_hash: &secret.hash(),
            scopes: &Scopes::parse("all").unwrap(),
            expires_at: at(60),
            created_by: None,
        };
        assert!(api_tokens::insert(&db, &new, at(0)).await.is_err(), "no membership of B, no token for B");
    }

    async fn revoked_and_expired_tokens_are_not_found(db) {
        let db = db.migrated().await;
        let ccas = org(&db, "ccas-a", "CCAS A").await;
        let camille = user(&db, "camille@x.example", &[(&ccas, Role::Worker)]).await;
        let (_, short) = token(&db, camille, &ccas, "all", 10).await;
        assert!(api_tokens::find_active_by_hash(&db, &short.hash(), at(9)).await.unwrap().is_some());
        assert!(api_tokens::find_active_by_hash(&db, &short.hash(), at(10)).await.unwrap().is_none(), "expired at its expiry");
        let (id, revoked) = token(&db, camille, &ccas, "all", 60).await;
        api_tokens::revoke(&db, id, Revoker::Owner(camille), at(5)).await.unwrap().unwrap();
        assert!(api_tokens::find_active_by_hash(&db, &revoked.hash(), at(6)).await.unwrap().is_none());
    }

    async fn a_disabled_membership_or_user_shows_in_the_row(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "ccas-a", "CCAS A").await, org(&db, "ccas-b", "CCAS B").await);
        let camille = user(&db, "camille@x.example", &[(&a, Role::Worker), (&b, Role::Manager)]).await;
        let (_, for_b) = token(&db, camille, &b, "all", 60).await;
        let (_, for_a) = token(&db, camille, &a, "all", 60).await;
        execute(&db, "UPDATE memberships SET disabled_at = $1 WHERE organisation_id = $2", at(1), b.id.as_uuid()).await;
        let found = api_tokens::find_active_by_hash(&db, &for_b.hash(), at(2)).await.unwrap().unwrap();
        assert_eq!(found.role(), None, "the membership of B is disabled, even though A's is not");
        let other = api_tokens::find_active_by_hash(&db, &for_a.hash(), at(2)).await.unwrap().unwrap();
        assert_eq!(other.role(), Some(Role::Worker));
        execute(&db, "UPDATE users SET disabled_at = $1 WHERE id = $2", at(3), camille.as_uuid()).await;
        let found = api_tokens::find_active_by_hash(&db, &for_a.hash(), at(4)).await.unwrap().unwrap();
        assert_eq!(found.user_disabled_at, Some(at(3)));
    }

    async fn last_use_is_recorded_at_most_once_a_minute(db) {
        let db = db.migrated().await;
        let ccas = org(&db, "ccas-a", "CCAS A").await;
        let camille = user(&db, "camille@x.example", &[(&ccas, Role::Worker)]).await;
        let (id, secret) = token(&db, camille, &ccas, "all", 600).await;
        let t0 = at(1);
        assert!(api_tokens::touch(&db, id, t0).await.unwrap(), "the first use is recorded");
        let soon = Ts::from(t0.get() + time::Duration::seconds(59));
        assert!(!api_tokens::touch(&db, id, soon).await.unwrap(), "not again within a minute");
        let found = api_tokens::find_active_by_hash(&db, &secret.hash(), soon).await.unwrap().unwrap();
        assert_eq!(found.last_used_at, Some(t0));
        let later = Ts::from(t0.get() + time::Duration::seconds(61));
        assert!(api_tokens::touch(&db, id, later).await.unwrap());
        let found = api_tokens::find_active_by_hash(&db, &secret.hash(), later).await.unwrap().unwrap();
        assert_eq!(found.last_used_at, Some(later));
    }

    async fn a_user_lists_only_their_own_tokens_newest_first(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "ccas-a", "CCAS A").await, org(&db, "ccas-b", "CCAS B").await);
        let camille = user(&db, "camille@x.example", &[(&a, Role::Worker), (&b, Role::Dpo)]).await;
        let dominique = user(&db, "dominique@x.example", &[(&a, Role::Manager)]).await;
        let (first, _) = token(&db, camille, &a, "persons:read", 60).await;
        let (second, _) = token(&db, camille, &b, "audit:read", 60).await;
        token(&db, dominique, &a, "all", 60).await;
        let list = api_tokens::list_of_user(&db, camille).await.unwrap();
        let ids: Vec<ApiTokenId> = list.iter().map(|t| t.token.id).collect();
        assert_eq!(ids, [second, first]);
        assert_eq!(list[0].organisation_slug, "ccas-b");
        assert_eq!(list[0].organisation_name, "CCAS B");
        assert_eq!(list[0].token.scopes.to_codes(), "audit:read");
        assert_eq!(list[0].token.name, "nightly export");
        assert_eq!(list[0].token.created_by, Some(camille.as_uuid()));
        assert!(list[0].token.is_active(at(1)));
        assert!(!list[0].token.is_active(at(60)));
        assert!(api_tokens::list_of_user(&db, UserId::new()).await.unwrap().is_empty());
    }

    async fn only_the_owner_or_an_administrator_revokes_and_the_first_revocation_stands(db) {
        let db = db.migrated().await;
        let ccas = org(&db, "ccas-a", "CCAS A").await;
        let camille = user(&db, "camille@x.example", &[(&ccas, Role::Worker)]).await;
        let dominique = user(&db, "dominique@x.example", &[(&ccas, Role::Manager)]).await;
        let (id, secret) = token(&db, camille, &ccas, "all", 60).await;
        assert!(api_tokens::revoke(&db, id, Revoker::Owner(dominique), at(1)).await.unwrap().is_none(), "someone else's token is not found");
        assert!(api_tokens::find_active_by_hash(&db, &secret.hash(), at(1)).await.unwrap().is_some(), "and stays active");
        assert!(api_tokens::revoke(&db, ApiTokenId::new(), Revoker::Administrator, at(1)).await.unwrap().is_none());
        let done = api_tokens::revoke(&db, id, Revoker::Owner(camille), at(2)).await.unwrap().unwrap();
        assert!(done.newly_revoked);
        assert_eq!(done.token.revoked_at, Some(at(2)));
        assert_eq!(done.token.organisation_id, ccas.id);
        let again = api_tokens::revoke(&db, id, Revoker::Administrator, at(3)).await.unwrap().unwrap();
        assert!(!again.newly_revoked);
        assert_eq!(again.token.revoked_at, Some(at(2)), "the first revocation's time is kept");
        let (other, _) = token(&db, dominique, &ccas, "all", 60).await;
        let by_admin = api_tokens::revoke(&db, other, Revoker::Administrator, at(4)).await.unwrap().unwrap();
        assert!(by_admin.newly_revoked);
    }
}
