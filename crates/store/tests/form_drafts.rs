//! What was typed when a session ended, on both engines: one per user and page, replaced by a
//! later save, taken back once, not offered back after a week and forgotten at the next save.

use domain::UserId;
use domain::accounts::Email;
use domain::organisations::DisplayName;
use store::{Db, Ts, accounts, form_drafts};
use testkit::engine_tests;
use time::macros::datetime;

fn at(days: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::days(days))
}

async fn user(db: &Db, name: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(&format!("{name}@drafts.example")).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, at(0)).await.unwrap();
    id
}

async fn save(db: &Db, who: UserId, path: &str, fields: &str, when: Ts) {
    let mut tx = db.begin_write().await.unwrap();
    form_drafts::save(&mut tx, who, None, path, fields, when).await.unwrap();
    tx.commit().await.unwrap();
}

async fn take(db: &Db, who: UserId, path: &str, when: Ts) -> Option<String> {
    let mut tx = db.begin_write().await.unwrap();
    let taken = form_drafts::take(&mut tx, who, path, when).await.unwrap();
    tx.commit().await.unwrap();
    taken
}

engine_tests! {
    async fn a_draft_is_per_user_and_page_taken_once_and_not_kept_beyond_a_week(db) {
        let db = db.migrated().await;
        let camille = user(&db, "camille").await;
        let noor = user(&db, "noor").await;
        save(&db, camille, "/persons/new", "[[0,\"birth_name\",\"Dupon\",null]]", at(0)).await;
        save(&db, camille, "/persons/new", "[[0,\"birth_name\",\"Dupont\",null]]", at(0)).await;
        save(&db, camille, "/intake", "[[0,\"reason\",\"loyer\",null]]", at(0)).await;
        assert_eq!(form_drafts::count(&db, camille).await.unwrap(), 2, "one per page");
        assert_eq!(take(&db, noor, "/persons/new", at(0)).await, None, "another user's page");
        assert_eq!(take(&db, camille, "/persons/new", at(1)).await.as_deref(), Some("[[0,\"birth_name\",\"Dupont\",null]]"));
        assert_eq!(take(&db, camille, "/persons/new", at(1)).await, None, "taken once");
        // A draft older than a week is not offered back, and the next save forgets it.
        assert_eq!(take(&db, camille, "/intake", at(8)).await, None);
        save(&db, camille, "/intake", "[[0,\"reason\",\"x\",null]]", at(0)).await;
        save(&db, camille, "/other", "[[0,\"reason\",\"y\",null]]", at(9)).await;
        assert_eq!(form_drafts::count(&db, camille).await.unwrap(), 1, "the old one is gone");
    }
}
