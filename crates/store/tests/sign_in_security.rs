//! Sign-in throttling and the second factor's storage, on SQLite and PostgreSQL.

use std::sync::Arc;

use store::throttle::{self, Admission, ThrottlePolicy};
use store::{Ts, second_factor};
use testkit::engine_tests;

fn at(base: Ts, seconds: i64) -> Ts {
    Ts::from(base.get() + time::Duration::seconds(seconds))
}

async fn user(db: &store::Db) -> domain::UserId {
    let id = domain::UserId::new();
    let email = domain::accounts::Email::parse(&format!("{id}@x.example")).unwrap();
    let name = domain::organisations::DisplayName::parse("T").unwrap();
    let new =
        store::accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
    store::accounts::insert_user(db, &new, Ts::now()).await.unwrap();
    id
}

engine_tests! {
    async fn a_key_gets_its_allowance_then_is_blocked_and_refusals_change_nothing(db) {
        let db = db.migrated().await;
        let policy = ThrottlePolicy::new(3);
        let t0 = Ts::now();
        let mut outcomes = Vec::new();
        for i in 0..6 {
            let mut tx = db.begin_write().await.unwrap();
            outcomes.push(throttle::admit(&mut tx, b"k", &policy, at(t0, i)).await.unwrap());
            tx.commit().await.unwrap();
        }
        assert!(outcomes[..3].iter().all(|o| *o == Admission::Allowed));
        let until = at(t0, 3 + 5 * 60);
        assert_eq!(outcomes[3], Admission::Blocked { until, started: true }, "five minutes after the attempt past the allowance");
        assert_eq!(outcomes[4], Admission::Blocked { until, started: false }, "refusals do not lengthen the block");
        assert_eq!(outcomes[5], Admission::Blocked { until, started: false });
        // After the block, the next attempt past the allowance doubles it.
        let mut tx = db.begin_write().await.unwrap();
        let after = throttle::admit(&mut tx, b"k", &policy, at(t0, 3 + 5 * 60 + 1)).await.unwrap();
        assert_eq!(after, Admission::Blocked { until: at(t0, 3 + 5 * 60 + 1 + 10 * 60), started: true });
        // Another key is not affected.
        assert_eq!(throttle::admit(&mut tx, b"other", &policy, at(t0, 6)).await.unwrap(), Admission::Allowed);
        tx.commit().await.unwrap();
    }

    async fn after_the_block_and_the_window_a_key_starts_afresh(db) {
        let db = db.migrated().await;
        let policy = ThrottlePolicy::new(2);
        let t0 = Ts::now();
        for i in 0..3 {
            let mut tx = db.begin_write().await.unwrap();
            throttle::admit(&mut tx, b"k", &policy, at(t0, i)).await.unwrap();
            tx.commit().await.unwrap();
        }
        let later = at(t0, 16 * 60);
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(throttle::admit(&mut tx, b"k", &policy, later).await.unwrap(), Admission::Allowed);
        assert_eq!(throttle::admit(&mut tx, b"k", &policy, later).await.unwrap(), Admission::Allowed);
        assert!(matches!(throttle::admit(&mut tx, b"k", &policy, later).await.unwrap(), Admission::Blocked { .. }));
        tx.commit().await.unwrap();
        // Counters whose window and block are over are purged; others stay.
        let much_later = at(t0, 3 * 60 * 60);
        assert_eq!(throttle::purge(&db, &policy, much_later).await.unwrap(), 1);
    }

    async fn giving_back_and_clearing_restore_attempts(db) {
        let db = db.migrated().await;
        let policy = ThrottlePolicy::new(1);
        let now = Ts::now();
        let mut tx = db.begin_write().await.unwrap();
        assert_eq!(throttle::admit(&mut tx, b"addr", &policy, now).await.unwrap(), Admission::Allowed);
        throttle::give_back(&mut tx, b"addr").await.unwrap();
        assert_eq!(throttle::admit(&mut tx, b"addr", &policy, now).await.unwrap(), Admission::Allowed);
        throttle::clear(&mut tx, b"addr").await.unwrap();
        assert_eq!(throttle::admit(&mut tx, b"addr", &policy, now).await.unwrap(), Admission::Allowed);
        tx.commit().await.unwrap();
    }

    async fn concurrent_attempts_never_exceed_the_allowance(db) {
        let db = Arc::new(db.migrated().await);
        let policy = ThrottlePolicy::new(5);
        let mut handles = Vec::new();
        for _ in 0..40 {
            let db = db.clone();
            handles.push(tokio::spawn(async move {
                let mut tx = db.begin_write().await.unwrap();
                let a = throttle::admit(&mut tx, b"hot", &policy, Ts::now()).await.unwrap();
                tx.commit().await.unwrap();
                a
            }));
        }
        let mut allowed = 0;
        for h in handles {
            if h.await.unwrap() == Admission::Allowed {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5);
    }

    async fn a_totp_step_and_a_recovery_code_are_each_used_once(db) {
        let db = db.migrated().await;
        let id = user(&db).await;
        assert!(!second_factor::state(&db, id).await.unwrap().enabled());
        second_factor::begin_enrolment(&db, id, "sealed").await.unwrap();
        assert!(!second_factor::state(&db, id).await.unwrap().enabled(), "not before a first code");
        assert!(second_factor::enable(&db, id, 100, Ts::now()).await.unwrap());
        assert!(!second_factor::enable(&db, id, 100, Ts::now()).await.unwrap(), "enabled once");
        assert!(second_factor::state(&db, id).await.unwrap().enabled());
        assert!(!second_factor::consume_step(&db, id, 100).await.unwrap(), "the enrolment code's step is spent");
        assert!(second_factor::consume_step(&db, id, 101).await.unwrap());
        assert!(!second_factor::consume_step(&db, id, 101).await.unwrap());
        assert!(!second_factor::consume_step(&db, id, 99).await.unwrap(), "no going back in time");
        let codes = [[1u8; 32], [2u8; 32]];
        second_factor::replace_recovery_codes(&db, id, &codes).await.unwrap();
        assert_eq!(second_factor::unused_recovery_codes(&db, id).await.unwrap(), 2);
        assert!(second_factor::use_recovery_code(&db, id, &codes[0], Ts::now()).await.unwrap());
        assert!(!second_factor::use_recovery_code(&db, id, &codes[0], Ts::now()).await.unwrap());
        assert!(!second_factor::use_recovery_code(&db, id, &[9u8; 32], Ts::now()).await.unwrap());
        assert_eq!(second_factor::unused_recovery_codes(&db, id).await.unwrap(), 1);
        second_factor::disable(&db, id).await.unwrap();
        let state = second_factor::state(&db, id).await.unwrap();
        assert!(!state.enabled() && state.totp_secret_encrypted.is_none());
        assert_eq!(second_factor::unused_recovery_codes(&db, id).await.unwrap(), 0);
    }

    async fn a_pending_sign_in_counts_attempts_and_expires(db) {
        let db = db.migrated().await;
        let id = user(&db).await;
        let now = Ts::now();
        second_factor::insert_pending(&db, b"p1", id, now, at(now, 300)).await.unwrap();
        assert_eq!(second_factor::attempt_pending(&db, b"p1", now).await.unwrap().unwrap().attempts, 1);
        assert_eq!(second_factor::attempt_pending(&db, b"p1", now).await.unwrap().unwrap().attempts, 2);
        assert!(second_factor::attempt_pending(&db, b"p1", at(now, 301)).await.unwrap().is_none(), "expired");
        assert!(second_factor::find_pending(&db, b"unknown", now).await.unwrap().is_none());
        second_factor::delete_pending(&db, b"p1").await.unwrap();
        assert!(second_factor::find_pending(&db, b"p1", now).await.unwrap().is_none());
    }
}
