//! `passerelle retention run [--dry-run]` (ADR 0034), included by `cli.rs`: a dry run prints
//! the counts and changes nothing; the run itself anonymises the person due.

use std::process::Output;

use testkit::engine_tests;

use super::{KEY, run};

engine_tests! {
    async fn retention_run_dry_run_counts_and_changes_nothing_then_the_run_anonymises(db) {
        let dir = tempfile::tempdir().unwrap();
        let env = [("PASSERELLE_DATABASE_URL", db.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
        let ok = |out: &Output| {
            assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        ok(&run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "CCAS de Test"], &env));
        let conn = db.connect().await;
        let org = store::organisations::find_by_slug(&conn, "ccas-test").await.unwrap().unwrap().id;
        // Registered in 2020 and never seen since: due long ago, past any grace.
        let then = store::Ts::from(time::macros::datetime!(2020-03-01 10:00 UTC));
        let person = domain::PersonId::new();
        let rec = domain::persons::PersonRecord { birth_name: Some("Canari".into()), ..Default::default() };
        let mut tx = conn.begin_write().await.unwrap();
        store::persons::insert(&mut tx, org, person, &rec, None, then).await.unwrap();
        tx.commit().await.unwrap();
        let name = |conn: store::Db| async move {
            let p = store::persons::find(&conn, org, person).await.unwrap().unwrap();
            p.record.birth_name
        };

        let dry = ok(&run(dir.path(), &["retention", "run", "--dry-run"], &env));
        assert!(dry.contains("dry run, nothing changed — due: 1, newly listed: 1, anonymised: 1"), "{dry}");
        assert_eq!(name(conn.clone()).await.as_deref(), Some("Canari"), "a dry run writes nothing");
        let again = ok(&run(dir.path(), &["retention", "run", "--dry-run"], &env));
        assert!(again.contains("newly listed: 1"), "still not listed: {again}");

        let done = ok(&run(dir.path(), &["retention", "run"], &env));
        assert!(done.contains("due: 1, newly listed: 1, anonymised: 1, archived: 0"), "{done}");
        assert_eq!(name(conn.clone()).await, None);
        let after = ok(&run(dir.path(), &["retention", "run"], &env));
        assert!(after.contains("due: 0, newly listed: 0, anonymised: 0"), "{after}");
        conn.close().await;
        let verify = run(dir.path(), &["audit", "verify"], &env);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    }
}
