//! The history of the demo cases on both engines: one to three years of notes of every contact
//! medium (dozens of the common ones), some restricted; assessments that change over time,
//! goals in the person's words with steps and victories, on every case but the worker's
//! earliest open one (which the browser tests give their own first assessment).

use std::collections::BTreeMap;

use domain::policy::NoteVisibility;
use store::{accounts, assessments, cases, organisations, plans};
use testkit::engine_tests;

engine_tests! {
    async fn demo_cases_have_years_of_notes_assessments_and_plans(db) {
        let db = db.migrated().await;
        let params = domain::passwords::HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };
        store::demo::seed(&db, store::demo::DEFAULT_SEED, params).await.unwrap();
        let ccas = organisations::find_by_slug(&db, "ccas-valbourg").await.unwrap().unwrap().id;
        let karim = accounts::find_user_by_email(&db, "karim.benali@valbourg.example").await.unwrap().unwrap().id;
        let vis = NoteVisibility { viewer: karim, referents_level: true };
        let population = store::demo::households(store::demo::DEFAULT_SEED);
        let now = store::Ts::now().get();
        let mut types: BTreeMap<String, usize> = BTreeMap::new();
        let mut restricted = 0;
        let mut with_plan = 0;
        let mut earliest_open: Option<(store::Ts, bool)> = None;
        for household in population[0].iter().take(8) {
            let c = cases::of_person(&db, ccas, household.members[0].person_id).await.unwrap().remove(0);
            let years = (now - c.opened_at.get()).whole_days() as f64 / 365.0;
            assert!((0.9..=3.1).contains(&years), "{years} years");
            let mut all = vec![];
            let mut before = None;
            loop {
                let page = cases::timeline(&db, ccas, c.id, Some(vis), None, before, 100).await.unwrap();
                all.extend(page.entries);
                match page.older {
                    Some(o) => before = Some(o),
                    None => break,
                }
            }
            let notes: Vec<_> = all.iter().filter(|e| e.is_note()).collect();
            assert!(notes.len() >= 15, "{} notes over {years} years", notes.len());
            for n in &notes {
                *types.entry(n.note_type.clone().unwrap()).or_default() += 1;
                restricted += usize::from(n.confidentiality != "normal");
                assert!(n.occurred_at.get() <= now);
            }
            let assessed = assessments::list_for_case(&db, ccas, c.id).await.unwrap();
            let plan = plans::plan_of(&db, ccas, c.id).await.unwrap();
            if !assessed.is_empty() {
                with_plan += 1;
                assert!(!plan.goals.is_empty());
                assert!(plan.goals.iter().all(|g| !g.person_words.is_empty()));
                assert!(all.iter().any(|e| e.kind == "step"));
            }
            if c.status() == domain::cases::CaseStatus::Open
                && earliest_open.is_none_or(|(at, _)| c.opened_at < at)
            {
                earliest_open = Some((c.opened_at, assessed.is_empty()));
            }
        }
        // Every type of note; dozens of the common ones.
        assert_eq!(types.len(), 13, "{types:?}");
        assert!(types["phone"] >= 24 && types["in_person_appointment"] >= 24, "{types:?}");
        assert!(restricted > 10, "{restricted}");
        assert_eq!(with_plan, 7);
        assert_eq!(earliest_open.map(|(_, plain)| plain), Some(true), "the earliest open case stays plain");
    }
}
