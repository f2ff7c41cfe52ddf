//! Domiciliations on both engines: an election started, renewed and ended with its reason
//! (optimistic locking), the mail received for it, collected once; the desk's list (today's
//! mail and all mail still waiting); elections running on a day; never across organisations.

use domain::domiciliation::renewal_due;
use store::domiciliations;
use testkit::engine_tests;
use time::macros::date;

mod support;

use support::{at, organisation, person, user};

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
}
