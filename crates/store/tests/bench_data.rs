//! The generated cases of `bench-data` on both engines: exact counts (as many cases as persons,
//! ten entries a case), the same rows for the same seed, timelines the store reads back like
//! those the app writes (an opening first, statuses that agree with the last status entry,
//! closed cases with a date and a reason), uneven histories, and the benchmark helpers (sample
//! cases, joining the first team, the raw queries of a case page), and the assessments and
//! plans of the long histories written through the store's own functions.

use domain::CaseId;
use domain::cases::CaseStatus;
use domain::policy::NoteVisibility;
use store::bench_data::{self, Size};
use store::{Db, cases};
use testkit::engine_tests;

/// Every case's (id, status, version, entries), by id.
async fn fingerprint(db: &Db) -> Vec<(uuid::Uuid, String, i64, i64)> {
    let rows: Vec<(uuid::Uuid, String, i64, i64)> = match db {
        Db::Sqlite(p) => sqlx::query_as(
            "SELECT c.id, c.status, c.version, (SELECT count(*) FROM case_entries e WHERE e.case_id = c.id) \
             FROM cases c ORDER BY c.id",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_as(
            "SELECT c.id, c.status, c.version, (SELECT count(*) FROM case_entries e WHERE e.case_id = c.id) \
             FROM cases c ORDER BY c.id",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    rows
}

/// One count, the same SQL on both engines.
async fn count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// Whatever the generator wrote beside the cases: (table, rows) and the referrals' ids.
async fn activity_print(db: &Db) -> Vec<i64> {
    let mut out = vec![];
    for table in [
        "appointments",
        "consents",
        "referrals",
        "referral_steps",
        "documents",
        "urgency_flags",
        "case_follow_ups",
        "case_follow_up_domains",
        "partner_services",
    ] {
        out.push(count(db, &format!("SELECT count(*) FROM {table}")).await);
    }
    out.push(count(db, "SELECT count(*) FROM appointments WHERE status = 'done'").await);
    out.push(count(db, "SELECT count(*) FROM referrals WHERE status = 'accepted'").await);
    out.push(
        count(db, "SELECT CAST(COALESCE(sum(wellbeing), 0) AS BIGINT) FROM case_follow_ups").await,
    );
    out
}

engine_tests! {
    async fn generated_activity_feeds_every_figure_of_the_dashboard(db) {
        use domain::statistics::StatsScope;
        use store::statistics::{self, Span};
        use time::macros::{date, datetime};
        let conn = db.migrated().await;
        let summary = bench_data::generate(&conn, Size::Xs, 3, |_| {}).await.unwrap();
        let org = summary.organisation_id;
        // The rows agree with each other as the app writes them.
        for (what, sql) in [
            ("a referral's status is its last step's",
             "SELECT count(*) FROM referrals r WHERE r.status <> (SELECT st.status FROM referral_steps st \
              WHERE st.referral_id = r.id ORDER BY st.at DESC LIMIT 1)"),
            ("answered when the partner first answered",
             "SELECT count(*) FROM referrals r WHERE (r.answered_at IS NULL) <> (NOT EXISTS \
              (SELECT 1 FROM referral_steps st WHERE st.referral_id = r.id AND st.side = 'partner'))"),
            ("each referral with its consent",
             "SELECT count(*) FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM consents k \
              WHERE k.id = r.consent_id AND k.person_id = r.person_id)"),
            ("only planned appointments after the data set's end",
             "SELECT count(*) FROM appointments WHERE status <> 'planned' AND starts_at > '2026-11-02'"),
            ("an appointment of the case's person",
             "SELECT count(*) FROM appointments a JOIN cases c ON c.id = a.case_id WHERE a.person_id <> c.person_id"),
            ("checks after the case closed",
             "SELECT count(*) FROM case_follow_ups k JOIN cases c ON c.id = k.case_id \
              WHERE c.status <> 'closed' OR k.created_at <> c.closed_at"),
            ("domains for done checks only",
             "SELECT count(*) FROM case_follow_up_domains d JOIN case_follow_ups k ON k.id = d.follow_up_id \
              WHERE k.status <> 'done'"),
            ("flags acknowledged before they close",
             "SELECT count(*) FROM urgency_flags WHERE closed_at IS NOT NULL AND acknowledged_at IS NULL"),
        ] {
            assert_eq!(count(&conn, sql).await, 0, "{what}");
        }

        // The dashboard of one year counts something in every figure.
        let year = Span {
            from: store::Ts::from(datetime!(2024-12-31 23:00 UTC)),
            until: store::Ts::from(datetime!(2025-12-31 23:00 UTC)),
        };
        let a = statistics::activity(&conn, org, &StatsScope::Organisation, year).await.unwrap();
        assert!(a.cases.followed > 20 && a.cases.opened > 0 && a.cases.closed > 0, "{:?}", a.cases);
        assert!(a.closures.len() >= 2 && a.contacts.len() >= 5, "{a:?}");
        assert!(a.appointments.len() >= 3, "{:?}", a.appointments);
        assert!(a.referrals.iter().map(|r| r.sent).sum::<i64>() >= 3, "{:?}", a.referrals);
        assert!(a.documents >= 10, "{}", a.documents);
        // Over the whole history, every kind of answer and check.
        let all = Span {
            from: store::Ts::from(datetime!(2016-01-01 00:00 UTC)),
            until: store::Ts::from(datetime!(2026-12-31 00:00 UTC)),
        };
        let a = statistics::activity(&conn, org, &StatsScope::Organisation, all).await.unwrap();
        assert_eq!(a.appointments.len(), 4, "{:?}", a.appointments);
        let (accepted, declined, answered): (i64, i64, i64) = a.referrals.iter()
            .fold((0, 0, 0), |s, r| (s.0 + r.accepted, s.1 + r.declined, s.2 + r.answered));
        assert!(accepted > 0 && declined > 0 && answered > accepted, "{:?}", a.referrals);
        assert!(a.flags.raised > 5 && a.flags.acknowledged > 0 && a.flags.ack_within_day > 0, "{:?}", a.flags);
        let o = statistics::outcomes(&conn, org, &StatsScope::Organisation, all,
            date!(2016-01-01), date!(2026-12-30)).await.unwrap();
        assert!(o.checks.due > 10 && o.checks.done > 0 && o.checks.missed > 0, "{:?}", o.checks);
        assert!(o.checks.wellbeing_n > 0 && !o.held.is_empty(), "{o:?}");
        assert!(o.plans.goals > 0 && !o.domains.is_empty(), "{o:?}");
        let print = activity_print(&conn).await;
        conn.close().await;

        // The same seed, the same activity.
        if let Some(fresh) = db.empty_like().await {
            let again = fresh.migrated().await;
            bench_data::generate(&again, Size::Xs, 3, |_| {}).await.unwrap();
            assert_eq!(activity_print(&again).await, print);
            again.close().await;
        }
    }

    async fn generated_cases_count_exactly_read_back_and_repeat_for_a_seed(db) {
        let conn = db.migrated().await;
        let summary = bench_data::generate(&conn, Size::Xs, 5, |_| {}).await.unwrap();
        assert_eq!(summary.persons, 200);
        assert_eq!((summary.cases, summary.entries), (Size::Xs.cases(), Size::Xs.entries()));
        assert_eq!((summary.cases, summary.entries), (200, 2_000));
        let org = summary.organisation_id;
        let [cases_n, co, entries, notes, deleted, restricted] =
            bench_data::case_counts(&conn, org).await.unwrap();
        assert_eq!((cases_n, entries), (200, 2_000));
        assert!(co > 0 && co < 100, "co-referents {co}");
        assert!(notes > 1_400 && notes < 2_000 - 200, "notes {notes}");
        assert!(deleted < 30, "deleted {deleted}");
        assert!(restricted > 40 && restricted < 400, "restricted {restricted}");

        // Timelines read back through the store as the case page reads them.
        let print = fingerprint(&conn).await;
        let mut statuses = std::collections::BTreeMap::new();
        let mut lengths = vec![];
        let (mut plans, mut victories) = (0, 0);
        for (id, status, version, n) in &print {
            let id = CaseId::from_uuid(*id);
            let case = cases::find(&conn, org, id).await.unwrap().unwrap();
            let me = case.referent().unwrap();
            let vis = NoteVisibility { viewer: me, referents_level: true };
            // Oldest first: the whole timeline, page by page.
            let mut all = vec![];
            let mut before = None;
            loop {
                let page = cases::timeline(&conn, org, id, Some(vis), None, before, 50).await.unwrap();
                all.extend(page.entries);
                match page.older {
                    Some(c) => before = Some(c),
                    None => break,
                }
            }
            // The referent sees all but the author-only notes of others.
            assert!(all.len() as i64 <= *n && all.len() as i64 >= n * 7 / 10, "{} of {n}", all.len());
            all.reverse();
            assert_eq!(all[0].status.as_deref(), Some("open"), "an opening first");
            assert_eq!(all[0].occurred_at, case.opened_at);
            let last_status = all.iter().rev().find_map(|e| e.status()).unwrap();
            assert_eq!(last_status, case.status(), "{id}");
            assert_eq!(case.status, *status);
            let changes = all.iter().filter(|e| e.status.is_some()).count() as i64 - 1;
            assert_eq!(*version, 1 + changes, "{id}");
            if case.status() == CaseStatus::Closed {
                assert!(case.closed_at.is_some() && case.closure_reason.is_some());
                assert_eq!(case.closed_at, all.last().map(|e| e.occurred_at));
            } else {
                assert!(case.closed_at.is_none() && case.closure_reason.is_none());
            }
            for e in all.iter().filter(|e| e.is_note()) {
                assert!(e.note_type.is_some());
                assert_eq!(e.body.is_none(), e.deleted_at.is_some());
            }
            // Long histories have assessments and a plan, each change with its event.
            let kinds: std::collections::BTreeSet<&str> = all.iter().map(|e| e.kind.as_str()).collect();
            if *n >= 30 {
                for k in ["assessment", "goal", "step", "agreement"] {
                    assert!(kinds.contains(k), "{id}: no {k} in {kinds:?}");
                }
                let plan = store::plans::plan_of(&conn, org, id).await.unwrap();
                assert!(!plan.goals.is_empty());
                let events = all.iter().filter(|e| e.kind == "goal").count();
                assert!(events >= plan.goals.len());
                let assessed = store::assessments::list_for_case(&conn, org, id).await.unwrap();
                assert_eq!(assessed.len(), all.iter().filter(|e| e.kind == "assessment").count());
                plans += 1;
                victories += all.iter().filter(|e| e.kind == "victory").count();
            } else {
                assert!(kinds.iter().all(|k| ["note", "status"].contains(k)), "{kinds:?}");
            }
            *statuses.entry(case.status).or_insert(0) += 1;
            lengths.push(*n);
        }
        assert!(plans > 0 && victories > 0, "{plans} plans, {victories} victories");
        // Closed, open and paused cases; a few long histories among many short ones.
        assert_eq!(statuses.len(), 3, "{statuses:?}");
        lengths.sort();
        assert!(lengths[0] >= 2);
        assert!(lengths[100] < 10, "median {}", lengths[100]);
        assert!(lengths[199] > 50, "longest {}", lengths[199]);
        // Some persons have several cases, one after the other.
        let persons: std::collections::BTreeSet<_> = {
            let mut v = vec![];
            for (id, ..) in &print {
                v.push(cases::find(&conn, org, CaseId::from_uuid(*id)).await.unwrap().unwrap().person_id);
            }
            v.into_iter().collect()
        };
        assert!(persons.len() < 200, "{} persons for 200 cases", persons.len());

        // The benchmark's cases: long histories first, then short ones, all of the first team.
        let sample = bench_data::sample_cases(&conn, org, 6).await.unwrap();
        assert_eq!(sample.len(), 6);
        assert!(sample[..3].iter().all(|c| c.history == "long"));
        assert!(sample[3..].iter().all(|c| c.history == "short" && c.entries < sample[2].entries));

        // A member who joins the first team reads them; the raw page queries answer a page.
        let worker = store::accounts::find_user_by_email(&conn, &bench_data::cases::worker_email(0))
            .await
            .unwrap()
            .unwrap();
        assert!(bench_data::join_first_team(&conn, org, &bench_data::cases::worker_email(1)).await.is_err(),
            "already in the team: refused by the key");
        assert!(!bench_data::join_first_team(&conn, org, "nobody@example.org").await.unwrap());
        let long = sample[0].id;
        let (n, older) = bench_data::raw_overview(&conn, org, long, worker.id, None, 5, 20).await.unwrap();
        assert_eq!(n, 20);
        let older = older.unwrap();
        let (n2, _) = bench_data::raw_timeline(&conn, org, long, worker.id, Some(older), 20).await.unwrap();
        assert_eq!(n2, 20);
        let (n, _) = bench_data::raw_timeline(&conn, org, long, worker.id, None, 20).await.unwrap();
        assert_eq!(n, 20);
        conn.close().await;

        // The same seed gives the same cases; another seed, others.
        for (seed, same) in [(5, true), (6, false)] {
            let Some(fresh) = db.empty_like().await else { continue };
            let again = fresh.migrated().await;
            bench_data::generate(&again, Size::Xs, seed, |_| {}).await.unwrap();
            assert_eq!(fingerprint(&again).await == print, same, "seed {seed}");
            again.close().await;
        }
    }
}
