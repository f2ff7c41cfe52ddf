//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

use domain::organisations::{DisplayName, NewOrganisation, NewTeam, Slug};
use domain::passwords::HashParams;
use domain::{OrganisationId, TeamId};
use store::{Db, StoreError, Ts, accounts, demo, dialect, home, organisations, teams};

/// Cheap hashing for tests; one test in domain checks the production default.
const CHEAP: HashParams = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
use testkit::{TestDb, engine_tests};

fn new_org(slug: &str, name: &str) -> NewOrganisation {
    NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(name).unwrap(),
        time_zone: "Europe/Paris".into(),
    }
}

async fn pg_schema_of_fresh_database() -> Option<dialect::SchemaShape> {
    let pg = TestDb::postgres().await?;
    Some(dialect::schema_shape(&pg.migrated().await).await.unwrap())
}

engine_tests! {
    async fn migrations_apply_from_empty_and_are_idempotent(db) {
        let empty = db.empty_like().await.unwrap();
        let conn = empty.connect().await;
        let before = conn.migration_status().await.unwrap();
        assert!(before.applied.is_empty());
        assert!(!before.pending.is_empty());
        let applied = conn.migrate().await.unwrap();
        assert_eq!(applied, before.pending.len());
        assert_eq!(conn.migrate().await.unwrap(), 0, "a second run applies nothing");
        let after = conn.migration_status().await.unwrap();
        assert!(after.pending.is_empty());
        assert_eq!(after.applied.len(), before.pending.len());
        assert!(dialect::table_exists(&conn, "organisations").await.unwrap());
        assert!(!dialect::table_exists(&conn, "no_such_table").await.unwrap());
        conn.close().await;
    }

    async fn organisations_round_trip_with_identical_timestamps(db) {
        let conn = db.migrated().await;
        let new = new_org("ccas-test", "CCAS de Test");
        let now = Ts::now();
        let stored = organisations::insert(&conn, &new, now).await.unwrap();
        assert_eq!(stored.id, new.id);
        assert_eq!(stored.created_at, now, "timestamps read back equal to what was written");
        assert_eq!(stored.version, 1);
        let found = organisations::find_by_slug(&conn, "ccas-test").await.unwrap().unwrap();
        assert_eq!(found, stored);
        assert!(organisations::find_by_slug(&conn, "other").await.unwrap().is_none());
    }

    async fn a_taken_slug_is_reported_as_a_duplicate_slug(db) {
        let conn = db.migrated().await;
        organisations::insert(&conn, &new_org("ccas-a", "A"), Ts::now()).await.unwrap();
        let err = organisations::insert(&conn, &new_org("ccas-a", "B"), Ts::now()).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { field: "slug" }), "{err:?}");
    }

    async fn team_names_are_unique_within_an_organisation_only(db) {
        let conn = db.migrated().await;
        let a = organisations::insert(&conn, &new_org("org-a", "A"), Ts::now()).await.unwrap();
        let b = organisations::insert(&conn, &new_org("org-b", "B"), Ts::now()).await.unwrap();
        let team = |org: OrganisationId| NewTeam {
            id: TeamId::new(),
            organisation_id: org,
            name: DisplayName::parse("Accueil").unwrap(),
        };
        teams::insert(&conn, &team(a.id), Ts::now()).await.unwrap();
        teams::insert(&conn, &team(b.id), Ts::now()).await.unwrap();
        let err = teams::insert(&conn, &team(a.id), Ts::now()).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { field: "name" }), "{err:?}");
        assert_eq!(teams::list_for_organisation(&conn, a.id).await.unwrap().len(), 1);
    }

    async fn a_team_cannot_point_to_a_missing_organisation(db) {
        let conn = db.migrated().await;
        let orphan = NewTeam {
            id: TeamId::new(),
            organisation_id: OrganisationId::new(),
            name: DisplayName::parse("Orpheline").unwrap(),
        };
        let err = teams::insert(&conn, &orphan, Ts::now()).await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "foreign keys are enforced: {err:?}");
    }

    async fn a_transaction_dropped_without_commit_writes_nothing(db) {
        let conn = db.migrated().await;
        {
            let mut tx = conn.begin_write().await.unwrap();
            organisations::insert(&mut tx, &new_org("rolled-back", "R"), Ts::now()).await.unwrap();
        }
        assert_eq!(home::instance_counts(&conn).await.unwrap().organisations, 0);
    }

    async fn demo_data_is_seeded_once_and_counted(db) {
        let conn = db.migrated().await;
        let first = demo::seed(&conn, demo::DEFAULT_SEED, CHEAP).await.unwrap();
        assert!(first.created);
        let second = demo::seed(&conn, demo::DEFAULT_SEED, CHEAP).await.unwrap();
        assert!(!second.created, "seeding twice writes nothing the second time");
        let counts = home::instance_counts(&conn).await.unwrap();
        assert_eq!(counts.organisations, 3);
        assert_eq!(counts.teams, first.teams as i64);
        let list = organisations::list_with_team_counts(&conn).await.unwrap();
        let relais = list.iter().find(|o| o.slug == "le-relais").unwrap();
        assert_eq!(relais.team_count, 3);
        assert_eq!(list.iter().map(|o| o.team_count).sum::<i64>(), counts.teams);
        // Every account signs in with the demo password; each has the role it is printed with.
        assert_eq!(first.accounts.len(), 9);
        for (email, role, org) in &first.accounts {
            let user = accounts::find_user_by_email(&conn, email).await.unwrap().unwrap();
            assert!(domain::passwords::verify_password(demo::DEMO_PASSWORD, user.password_hash.as_deref().unwrap()));
            let memberships = accounts::memberships_of(&conn, user.id).await.unwrap();
            if org == "instance" {
                assert!(user.instance_admin && memberships.is_empty());
            } else {
                assert!(memberships.iter().any(|m| m.role.as_str() == role), "{email}");
            }
        }
        let supervisor = accounts::find_user_by_email(&conn, "sophie.lambert@valbourg.example").await.unwrap().unwrap();
        let ccas = organisations::find_by_slug(&conn, "ccas-valbourg").await.unwrap().unwrap();
        let teams = accounts::teams_of_membership(&conn, supervisor.id, ccas.id).await.unwrap();
        assert_eq!(teams.len(), 2);
        assert!(teams.iter().all(|(_, supervises)| *supervises));
        // She also supervises a team of the association: two organisations to switch between.
        assert_eq!(accounts::memberships_of(&conn, supervisor.id).await.unwrap().len(), 2);
    }

    async fn the_server_reports_its_engine_and_version(db) {
        let conn = db.migrated().await;
        let version = dialect::server_version(&conn).await.unwrap();
        assert!(version.starts_with(db.engine.name()), "{version}");
        conn.ping().await.unwrap();
    }
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_full_sync() {
    let db = TestDb::sqlite().await;
    let Db::Sqlite(pool) = db.migrated().await else { panic!("expected SQLite") };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&pool).await.unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&pool).await.unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&pool).await.unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 2, "2 is FULL");
    assert!(busy >= 1000);
}

/// The two migration histories describe the same tables, columns, nullability and indexes.
#[tokio::test]
async fn both_engines_have_the_same_schema() {
    let Some(pg) = pg_schema_of_fresh_database().await else { return };
    let sqlite = TestDb::sqlite().await;
    let lite = dialect::schema_shape(&sqlite.migrated().await).await.unwrap();
    assert_eq!(lite, pg);
    assert!(lite.tables.contains_key("organisations"));
}

#[tokio::test]
async fn an_unreachable_server_gives_an_error_naming_it_without_the_password() {
    let err = Db::connect(
        "postgres://app:hunter2@127.0.0.1:9/passerelle",
        &store::db::PoolOptions {
            max_connections: 1,
            acquire_timeout: std::time::Duration::from_secs(2),
        },
    )
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("postgres://app:***@127.0.0.1:9/passerelle"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test]
async fn a_connection_opened_while_another_writes_does_not_wait_to_refresh_statistics() {
    // A new SQLite connection refreshes the planner's statistics, which writes. Opened while a
    // transaction of the same pool writes (a request needing a second connection meanwhile),
    // it must not wait for that lock: with a busy timeout as long as the pool's acquire
    // timeout, the request would time out (seen in CI as PoolTimedOut).
    let test_db = TestDb::sqlite().await;
    let db = test_db.migrated().await;
    let store::Db::Sqlite(pool) = &db else { unreachable!() };
    // A table the statistics would want to analyse.
    sqlx::raw_sql(
        "CREATE TABLE scratch (id INTEGER PRIMARY KEY, k TEXT); CREATE INDEX scratch_k ON scratch (k); \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         INSERT INTO scratch (k) SELECT 'k' || (i % 50) FROM n;",
    )
    .execute(pool)
    .await
    .unwrap();
    db.close().await;
    let options = store::db::PoolOptions {
        max_connections: 2,
        acquire_timeout: std::time::Duration::from_secs(3),
    };
    let fresh = Db::connect(&test_db.url, &options).await.unwrap();
    let tx = fresh.begin_write().await.unwrap();
    // The pool's one open connection is in the transaction: this needs a second one.
    fresh.ping().await.expect("a second connection while the first writes");
    drop(tx);
    fresh.close().await;
}
