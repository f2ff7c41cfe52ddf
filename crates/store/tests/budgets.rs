//! Household budgets on both engines: recorded as dated versions with their lines and the
//! composition they counted, figures computed with the organisation's settings of the day
//! (threshold, day divisor), history newest first, the latest summary for the aid request,
//! households below the threshold; debts; never across organisations.

use domain::{HouseholdId, OrganisationId, PersonId, UserId};
use store::budgets::{self, Counted, Line, NewBudget, NewDebt, RecordError, Settings};
use store::{Db, households};
use testkit::engine_tests;
use time::Date;
use time::macros::date;
use uuid::Uuid;

mod support;

use support::{at, organisation, person, user};

fn line(side: &str, category: &str, euros: i64, counts: bool) -> Line {
    Line {
        side: side.into(),
        category: category.into(),
        label: None,
        amount_cents: euros * 100,
        counts,
    }
}

fn adult(p: PersonId) -> Counted {
    Counted { person_id: p, band: "adult".into(), declared: false, shared_custody: false }
}

fn child(p: PersonId, shared_custody: bool) -> Counted {
    Counted { person_id: p, band: "child".into(), declared: true, shared_custody }
}

#[allow(clippy::too_many_arguments)] // One call per budget of the test, each different.
async fn record(
    db: &Db,
    org: OrganisationId,
    household: HouseholdId,
    day: Date,
    lines: &[Line],
    members: &[Counted],
    by: UserId,
    minute: i64,
) -> Result<budgets::Budget, RecordError> {
    let new = NewBudget {
        id: Uuid::now_v7(),
        organisation_id: org,
        household_id: household,
        budget_date: day,
        lines,
        members,
        note: None,
        by: Some(by),
    };
    let mut tx = db.begin_write().await.unwrap();
    let b = budgets::record(&mut tx, &new, at(minute)).await;
    if b.is_ok() {
        tx.commit().await.unwrap();
    }
    b
}

engine_tests! {
    async fn budgets_are_dated_versions_with_their_figures_and_the_latest_sums_them_up(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "a").await;
        let (other_org, _) = organisation(&db, "b").await;
        let amel = user(&db, org, "Amel").await;
        let mother = person(&db, org, "Haddad").await;
        let son = person(&db, org, "Haddad").await;
        let mut tx = db.begin_write().await.unwrap();
        let household = households::create(&mut tx, org, mother, None, Some(amel), at(0)).await.unwrap();
        households::add_member(&mut tx, household, son, "minor_child", None, at(0)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(budgets::latest_summary(&db, org, household).await.unwrap(), None);

        // No threshold yet. Mother and a son under 14 in shared custody: UC = 1 + 0.15 = 1.15.
        // Resources 1 300 (RSA 900 + family benefits 400); charges counted 610 (rent 450 +
        // energy 160), food 300 not counted. 690 / 1.15 / 30 = 20,00 per day.
        let lines = [
            line("resource", "rsa", 900, true),
            line("resource", "family_benefits", 400, true),
            line("charge", "rent", 450, true),
            line("charge", "energy", 160, true),
            line("charge", "food", 300, false),
        ];
        let members = [adult(mother), child(son, true)];
        let first = record(&db, org, household, date!(2026 - 09 - 01), &lines, &members, amel, 1).await.unwrap();
        assert_eq!(
            (first.resources_cents, first.charges_cents, first.units, first.per_unit_daily_cents),
            (130_000, 61_000, 115, 2_000)
        );
        assert_eq!((first.threshold_cents, first.below_threshold()), (None, None));
        assert_eq!(budgets::lines(&db, first.id).await.unwrap(), lines.to_vec());
        let counted = budgets::members(&db, first.id).await.unwrap();
        assert_eq!(counted.len(), 2);
        assert!(counted.contains(&child(son, true)));

        // The organisation sets a threshold of 21,00 per UC per day and a 31-day month. A new
        // budget, rent up to 500: 640 / 1.15 / 31 = 17,95… → 17,95, below.
        budgets::update_settings(&db, org, Settings { budget_threshold_cents: Some(2_100), budget_day_divisor: 31 }, at(2)).await.unwrap();
        let mut lines2 = lines.to_vec();
        lines2[2].amount_cents = 50_000;
        let second = record(&db, org, household, date!(2026 - 11 - 01), &lines2, &members, amel, 3).await.unwrap();
        assert_eq!(second.per_unit_daily_cents, 1_795);
        assert_eq!((second.day_divisor, second.below_threshold()), (31, Some(true)));

        // The first one is unchanged: its threshold is the one of its day.
        let again = budgets::find(&db, org, first.id).await.unwrap().unwrap();
        assert_eq!(again, first);
        let history: Vec<Uuid> = budgets::history(&db, org, household).await.unwrap().iter().map(|b| b.id).collect();
        assert_eq!(history, vec![second.id, first.id], "newest first");

        let s = budgets::latest_summary(&db, org, household).await.unwrap().unwrap();
        assert_eq!(s.budget_id, second.id);
        assert_eq!((s.resources_cents, s.charges_cents, s.units), (130_000, 66_000, 115));
        assert_eq!((s.per_unit_daily_cents, s.threshold_cents, s.below_threshold), (1_795, Some(2_100), Some(true)));
        assert_eq!(budgets::households_below_threshold(&db, org).await.unwrap(), 1);

        // A later budget above the threshold: the household no longer counts as below.
        let lines3 = [line("resource", "salary", 2_000, true), line("charge", "rent", 500, true)];
        record(&db, org, household, date!(2026 - 11 - 20), &lines3, &members, amel, 4).await.unwrap();
        assert_eq!(budgets::households_below_threshold(&db, org).await.unwrap(), 0);
        let s = budgets::latest_summary(&db, org, household).await.unwrap().unwrap();
        assert_eq!(s.below_threshold, Some(false));

        // Another organisation sees none of it.
        assert!(budgets::find(&db, other_org, first.id).await.unwrap().is_none());
        assert!(budgets::history(&db, other_org, household).await.unwrap().is_empty());
        assert_eq!(budgets::latest_summary(&db, other_org, household).await.unwrap(), None);

        // A household with no adult living there full time: refused, nothing written.
        let err = record(&db, org, household, date!(2026 - 11 - 21), &lines3, &[child(son, false)], amel, 5).await;
        assert!(matches!(err, Err(RecordError::Budget(domain::budget::BudgetError::NoAdult))));
        assert_eq!(budgets::history(&db, org, household).await.unwrap().len(), 3);
    }

    async fn debts_are_listed_owed_first_and_moved_on_with_their_version(db) {
        let db = db.migrated().await;
        let (org, _) = organisation(&db, "c").await;
        let (other_org, _) = organisation(&db, "d").await;
        let amel = user(&db, org, "Amel").await;
        let p = person(&db, org, "Martin").await;
        let mut tx = db.begin_write().await.unwrap();
        let household = households::create(&mut tx, org, p, None, Some(amel), at(0)).await.unwrap();
        tx.commit().await.unwrap();
        let energy = Uuid::now_v7();
        let landlord = Uuid::now_v7();
        for (id, creditor, amount, monthly) in [(energy, "EDF", 84_250, Some(5_000)), (landlord, "Bailleur", 120_000, None)] {
            let d = NewDebt {
                id,
                organisation_id: org,
                household_id: household,
                creditor,
                amount_cents: amount,
                monthly_cents: monthly,
                plan: monthly.map(|_| "50 € par mois pendant 17 mois"),
                procedure_status: "none",
                by: Some(amel),
            };
            budgets::add_debt(&db, &d, at(1)).await.unwrap();
        }
        let listed = budgets::debts(&db, org, household).await.unwrap();
        assert_eq!(listed.iter().map(|d| d.creditor.as_str()).collect::<Vec<_>>(), vec!["Bailleur", "EDF"]);
        assert_eq!(listed[1].monthly_cents, Some(5_000));
        // Settled: listed after those still owed. A stale version changes nothing.
        assert!(budgets::update_debt(&db, org, landlord, 1, "none", Some(date!(2026 - 11 - 25)), at(2)).await.unwrap());
        assert!(!budgets::update_debt(&db, org, landlord, 1, "file_lodged", None, at(3)).await.unwrap());
        assert!(!budgets::update_debt(&db, other_org, energy, 1, "file_lodged", None, at(3)).await.unwrap());
        let listed = budgets::debts(&db, org, household).await.unwrap();
        assert_eq!(listed.iter().map(|d| d.creditor.as_str()).collect::<Vec<_>>(), vec!["EDF", "Bailleur"]);
        assert_eq!((listed[0].procedure_status.as_str(), listed[1].version), ("none", 2));
        assert!(budgets::debts(&db, other_org, household).await.unwrap().is_empty());
        // The procedure is one of the known stages.
        assert!(budgets::update_debt(&db, org, energy, 1, "made_up", None, at(4)).await.is_err());
    }
}
