//! Domiciliations on both engines: an election started, renewed and ended with its reason
//! (optimistic locking), the mail received for it, collected once; the desk's list (today's
//! mail and all mail still waiting); elections running on a day; never across organisations.

use domain::domiciliation::renewal_due;
use store::domiciliations;
use testkit::engine_tests;
use time::macros::date;

mod support;

use domain::tasks::{TaskKind, TaskStatus};
use store::Ts;
use store::tasks::{self, Scope};

use support::{at, open, organisation, person, user};

/// Noon UTC on `day`.
fn noon(day: time::Date) -> Ts {
    Ts::from(day.with_hms(12, 0, 0).unwrap().assume_utc())
}

engine_tests! {
    async fn elections_run_from_start_to_end_and_mail_waits_until_collected(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "a").await;
        let (other_org, _) = organisation(&db, "b").await;
        let rita = user(&db, org, "Rita").await;
        let p = person(&db, org, "Diallo").await;
        let start = date!(2026 - 01 - 15);
        let d = domiciliations::start(&db, org, p, start, renewal_due(start), Some(rita), at(0)).await.unwrap();
        assert_eq!(domiciliations::active_count(&db, org, date!(2026 - 11 - 26)).await.unwrap(), 1);
        assert_eq!(domiciliations::active_count(&db, org, date!(2026 - 01 - 14)).await.unwrap(), 0);
        assert_eq!(domiciliations::active_count(&db, other_org, date!(2026 - 11 - 26)).await.unwrap(), 0);

        let old = domiciliations::add_mail(&db, org, d, date!(2026 - 11 - 02), "registered", Some("CAF"), Some(rita), at(1)).await.unwrap();
        let today = domiciliations::add_mail(&db, org, d, date!(2026 - 11 - 26), "letter", None, Some(rita), at(2)).await.unwrap();
        let collected = domiciliations::add_mail(&db, org, d, date!(2026 - 11 - 20), "official", Some("Préfecture"), Some(rita), at(3)).await.unwrap();
        assert!(domiciliations::collect(&db, org, collected, date!(2026 - 11 - 21), at(4)).await.unwrap());
        assert!(!domiciliations::collect(&db, org, collected, date!(2026 - 11 - 22), at(5)).await.unwrap(), "collected once");
        assert!(!domiciliations::collect(&db, other_org, old, date!(2026 - 11 - 22), at(5)).await.unwrap());

        // The desk: what came today and what still waits, oldest first, with the person's name.
        let desk = domiciliations::desk(&db, org, date!(2026 - 11 - 26)).await.unwrap();
        assert_eq!(desk.iter().map(|m| m.id).collect::<Vec<_>>(), vec![old, today]);
        assert_eq!((desk[0].birth_name.as_deref(), desk[0].sender.as_deref()), (Some("Diallo"), Some("CAF")));
        assert!(domiciliations::desk(&db, other_org, date!(2026 - 11 - 26)).await.unwrap().is_empty());
        let mail = domiciliations::mail_of_person(&db, org, p).await.unwrap();
        assert_eq!(mail.iter().map(|m| m.id).collect::<Vec<_>>(), vec![today, collected, old]);
        assert_eq!(mail[1].collected_on, Some(date!(2026 - 11 - 21)));

        // Renewed, then ended with a reason; a stale version changes nothing.
        assert!(domiciliations::renew(&db, org, d, 1, date!(2028 - 01 - 15), at(6)).await.unwrap());
        assert!(!domiciliations::end(&db, org, d, 1, date!(2026 - 12 - 01), "stable_address", at(7)).await.unwrap());
        assert!(!domiciliations::end(&db, other_org, d, 2, date!(2026 - 12 - 01), "stable_address", at(7)).await.unwrap());
        assert!(domiciliations::end(&db, org, d, 2, date!(2026 - 12 - 01), "stable_address", at(7)).await.unwrap());
        let all = domiciliations::of_person(&db, org, p).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].renewal_due, all[0].end_reason.as_deref()), (date!(2028 - 01 - 15), Some("stable_address")));
        assert!(all[0].active_on(date!(2026 - 11 - 30)) && !all[0].active_on(date!(2026 - 12 - 01)));
        assert_eq!(domiciliations::active_count(&db, org, date!(2026 - 12 - 02)).await.unwrap(), 0);
        assert!(domiciliations::of_person(&db, other_org, p).await.unwrap().is_empty());
        // An end without its reason is refused by the schema.
        let d2 = domiciliations::start(&db, org, p, date!(2027 - 01 - 01), date!(2028 - 01 - 01), None, at(8)).await.unwrap();
        assert!(domiciliations::end(&db, org, d2, 1, date!(2027 - 02 - 01), "made_up", at(9)).await.is_err());
    }

    async fn renewals_due_and_mail_left_waiting_become_tasks_until_done(db) {
        let db = db.migrated().await;
        let (org, team) = organisation(&db, "a").await;
        let worker = user(&db, org, "Wassila").await;
        let p = person(&db, org, "Diallo").await;
        let case_id = open(&db, org, p, team, worker).await;
        let start = date!(2026 - 01 - 15);
        let d = domiciliations::start(&db, org, p, start, renewal_due(start), None, at(0)).await.unwrap();
        let mine = |db: store::Db| async move {
            tasks::list(&db, org, worker, Scope::MineOpen, 50).await.unwrap()
        };

        // 31 days before the renewal: nothing; 30 days before: the referent's task, due on the
        // renewal date, once.
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 15))).await.unwrap();
        assert!(mine(db.clone()).await.is_empty());
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 16))).await.unwrap();
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 17))).await.unwrap();
        let open_tasks = mine(db.clone()).await;
        assert_eq!(open_tasks.len(), 1);
        let renewal = &open_tasks[0];
        assert_eq!((renewal.kind(), renewal.source_id, renewal.due_on), (TaskKind::DomiciliationRenewal, Some(d), Some(date!(2027 - 01 - 15))));
        assert_eq!(renewal.person_id, Some(p.as_uuid()));
        let _ = case_id;

        // Mail: waiting 15 days (the default) is fine, 16 is too long; collecting it closes its task.
        let letter = domiciliations::add_mail(&db, org, d, date!(2026 - 12 - 01), "registered", Some("CAF"), None, at(1)).await.unwrap();
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 16))).await.unwrap();
        assert_eq!(mine(db.clone()).await.len(), 1, "15 days: still fine");
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 17))).await.unwrap();
        let waiting: Vec<_> = mine(db.clone()).await.into_iter().filter(|t| t.kind() == TaskKind::DomiciliationMailWaiting).collect();
        assert_eq!(waiting.len(), 1);
        assert_eq!((waiting[0].source_id, waiting[0].due_on), (Some(letter), Some(date!(2026 - 12 - 17))));
        assert!(domiciliations::collect(&db, org, letter, date!(2026 - 12 - 18), at(2)).await.unwrap());
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 18))).await.unwrap();
        let task = tasks::find(&db, org, waiting[0].id).await.unwrap().unwrap();
        assert_eq!((task.status(), task.closed_by), (TaskStatus::Done, None), "closed by the system");

        // Renewed for a year: the task is done; a year on, it is opened again for the new date.
        assert!(domiciliations::renew(&db, org, d, 1, date!(2028 - 01 - 15), at(3)).await.unwrap());
        tasks::run_reminders(&db, noon(date!(2026 - 12 - 19))).await.unwrap();
        assert!(mine(db.clone()).await.is_empty(), "renewed: nothing left to do");
        tasks::run_reminders(&db, noon(date!(2027 - 12 - 16))).await.unwrap();
        let again = mine(db.clone()).await;
        assert_eq!(again.len(), 1);
        assert_eq!((again[0].id, again[0].due_on), (renewal.id, Some(date!(2028 - 01 - 15))));
        // Ended: done again, and nothing comes back.
        assert!(domiciliations::end(&db, org, d, 2, date!(2027 - 12 - 20), "stable_address", at(4)).await.unwrap());
        tasks::run_reminders(&db, noon(date!(2027 - 12 - 21))).await.unwrap();
        tasks::run_reminders(&db, noon(date!(2028 - 01 - 20))).await.unwrap();
        assert!(mine(db.clone()).await.is_empty());
    }
}
