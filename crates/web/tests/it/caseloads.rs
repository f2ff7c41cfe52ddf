//! Referents, caseloads, reassignment and follow-up checks on the web — on SQLite and
//! PostgreSQL: who sees caseloads and who moves cases (others: not found), a batch moved for
//! good or until a date with its timeline events and audit, the stale batch refused whole,
//! the delegation ending by itself, the anti-forgery token, the referents page with its
//! version, follow-up checks after closure, and the home page's alert and due checks.

use domain::TeamId;
use domain::accounts::Role;
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{Browser, TestApp, location, visible_text};

const ORG: &str = "ccas-caseloads";

async fn user(app: &TestApp, name: &str, role: Role, teams: &[(TeamId, bool)]) -> Browser {
    crate::helpers::member(app, ORG, name, role, teams).await
}

async fn team(app: &TestApp, name: &str) -> TeamId {
    crate::helpers::team_of(app, ORG, name).await
}

struct World {
    manager: Browser,
    /// Referent of the three cases, in Insertion.
    alice: Browser,
    /// A worker of Logement.
    bruno: Browser,
    /// A worker of Insertion.
    chloe: Browser,
    supervisor: Browser,
    cases: Vec<String>,
}

async fn open_case(app: &TestApp, b: &Browser, team: TeamId, name: &str) -> String {
    crate::helpers::open_case_for(app, b, team, name).await
}

async fn world(app: &TestApp) -> World {
    let insertion = team(app, "Insertion").await;
    let logement = team(app, "Logement").await;
    let manager = user(app, "Manon", Role::Manager, &[]).await;
    let alice = user(app, "Alice", Role::Worker, &[(insertion, false)]).await;
    let bruno = user(app, "Bruno", Role::Worker, &[(logement, false)]).await;
    let chloe = user(app, "Chloe", Role::Worker, &[(insertion, false)]).await;
    let supervisor = user(app, "Sylvie", Role::Supervisor, &[(logement, true)]).await;
    let mut cases = Vec::new();
    for name in ["Durand", "Martin", "Petit"] {
        cases.push(open_case(app, &alice, insertion, name).await);
    }
    World { manager, alice, bruno, chloe, supervisor, cases }
}

/// `case id:version` as the worker's list offers it.
fn ticked(html: &str, case: &str) -> String {
    let at = html.find(&format!("value=\"{case}:")).unwrap_or_else(|| panic!("{case} in the list"));
    let rest = &html[at + 7..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn referent_of(app: &TestApp, case: &str) -> String {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let c = store::cases::find(db, org, case.parse().unwrap()).await.unwrap().unwrap();
    c.referent().map(|r| r.to_string()).unwrap_or_default()
}

async fn updates(app: &TestApp, case: &str) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(domain::audit::AuditAction::RecordUpdated),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events.len()
}

fn tomorrow_plus(days: i64) -> String {
    domain::persons::iso_date(time::OffsetDateTime::now_utc().date() + time::Duration::days(days))
}

engine_tests! {
    async fn a_manager_moves_two_cases_to_a_colleague_until_a_date_and_they_come_back(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let html = w.manager.page(&app, "/caseloads").await;
        assert!(html.contains(r#"<a href="/caseloads" aria-current="page">Portefeuilles</a>"#), "in the main menu, current");
        assert!(!w.alice.page(&app, "/").await.contains(r#"href="/caseloads""#), "not in a worker's menu");
        let index = visible_text(&html);
        assert!(index.contains("Alice 3 0"), "{index}");
        let list = w.manager.page(&app, &format!("/caseloads/{}", w.alice.id)).await;
        let (one, two) = (ticked(&list, &w.cases[0]), ticked(&list, &w.cases[1]));
        let until = tomorrow_plus(10);
        // Mistakes are named and what was typed stays.
        let res = w.manager.post(&app, "/caseloads/reassign", &[
            ("from", &w.alice.id), ("case", &one), ("to", &w.bruno.id), ("mode", "temporary"), ("until", "31/02/2027"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Cette date n'existe pas"), "{}", visible_text(&html));
        assert!(html.contains("value=\"31/02/2027\"") && html.contains(&format!("value=\"{one}\" checked")));
        assert!(html.contains("aria-invalid=\"true\""));
        let form = [
            ("from", w.alice.id.as_str()), ("case", one.as_str()), ("case", two.as_str()),
            ("to", w.bruno.id.as_str()), ("mode", "temporary"), ("until", until.as_str()),
        ];
        let res = w.manager.post(&app, "/caseloads/reassign", &form).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        assert_eq!(location(&res), format!("/caseloads/{}?moved=2", w.alice.id));
        for c in &w.cases[..2] {
            assert_eq!(referent_of(&app, c).await, w.bruno.id);
            assert_eq!(updates(&app, c).await, 1);
        }
        assert_eq!(referent_of(&app, &w.cases[2]).await, w.alice.id);
        // Bruno (another team) reads them now; the timeline says so, the manager sees it too.
        let case_page = format!("/cases/{}", w.cases[0]);
        let text = visible_text(&w.bruno.page(&app, &case_page).await);
        assert!(text.contains("Accompagnement repris pendant l'absence du référent") && text.contains("Alice → Bruno"), "{text}");
        assert!(visible_text(&w.manager.page(&app, &case_page).await).contains("Alice → Bruno"));
        assert!(visible_text(&w.bruno.get_en(&app, &case_page).await).contains("Case held for an absent referent"));
        let caseloads = visible_text(&w.manager.page(&app, &format!("/caseloads/{}", w.bruno.id)).await);
        assert!(caseloads.contains("puis rendu à Alice"), "{caseloads}");
        // The same form again is stale: nothing moves, the list is shown as it is (409).
        let res = w.manager.post(&app, "/caseloads/reassign", &[
            ("from", &w.alice.id), ("case", &one), ("case", &ticked(&list, &w.cases[2])), ("to", &w.chloe.id), ("mode", "permanent"),
        ]).await;
        assert_eq!(res.status(), 409);
        assert!(visible_text(&res.text().await.unwrap()).contains("rien n'a été réaffecté"));
        assert_eq!(referent_of(&app, &w.cases[2]).await, w.alice.id);
        // When the date has passed, the cases go back by themselves: Bruno reads nothing more.
        let after = Ts::from(time::OffsetDateTime::now_utc() + time::Duration::days(12));
        let mut tx = app.state.db.begin_write().await.unwrap();
        assert_eq!(store::caseloads::end_due_delegations(&mut tx, after).await.unwrap().len(), 2);
        tx.commit().await.unwrap();
        assert_eq!(w.bruno.get(&app, &case_page).await.status(), 404);
        let text = visible_text(&w.alice.page(&app, &case_page).await);
        assert!(text.contains("Rendu à son référent") && text.contains("Bruno → Alice"), "{text}");
    }

    async fn only_managers_move_cases_and_caseloads_follow_the_scope(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let list = w.manager.page(&app, &format!("/caseloads/{}", w.alice.id)).await;
        let one = ticked(&list, &w.cases[0]);
        let form = [("from", w.alice.id.as_str()), ("case", one.as_str()), ("to", w.bruno.id.as_str()), ("mode", "permanent")];
        for b in [&w.alice, &w.supervisor] {
            assert_eq!(b.post(&app, "/caseloads/reassign", &form).await.status(), 404);
        }
        // Workers see no caseloads; the supervisor of Logement sees Logement's workers only,
        // and no box to tick.
        assert_eq!(w.alice.get(&app, "/caseloads").await.status(), 404);
        let sup = visible_text(&w.supervisor.page(&app, "/caseloads").await);
        assert!(sup.contains("Bruno") && !sup.contains("Alice"), "{sup}");
        assert_eq!(w.supervisor.get(&app, &format!("/caseloads/{}", w.alice.id)).await.status(), 404);
        let bruno = w.supervisor.page(&app, &format!("/caseloads/{}", w.bruno.id)).await;
        assert!(!bruno.contains("name=\"case\""));
        // Without the anti-forgery token: refused, nothing moves.
        let res = w.manager.client.post(app.url("/caseloads/reassign")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(referent_of(&app, &w.cases[0]).await, w.alice.id);
        // For good: Alice's case is Bruno's.
        let res = w.manager.post(&app, "/caseloads/reassign", &form).await;
        assert_eq!(res.status(), 303);
        assert_eq!(referent_of(&app, &w.cases[0]).await, w.bruno.id);
        let text = visible_text(&w.manager.page(&app, &format!("/cases/{}", w.cases[0])).await);
        assert!(text.contains("Accompagnement réaffecté") && text.contains("Alice → Bruno"), "{text}");
    }

    async fn cases_whose_referent_left_are_an_alert_for_managers(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        assert!(!visible_text(&w.manager.page(&app, "/").await).contains("pas de référent"));
        // Alice leaves.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let member = store::accounts::find_member_by_user(&app.state.db, org, w.alice.id.parse().unwrap()).await.unwrap().unwrap();
        store::accounts::set_member_disabled(&app.state.db, org, member.membership_id, Some(Ts::now()), Ts::now()).await.unwrap();
        let home = w.manager.page(&app, "/").await;
        assert!(visible_text(&home).contains("3 accompagnements ouverts n'ont pas de référent"), "{}", visible_text(&home));
        assert!(visible_text(&w.manager.get_en(&app, "/").await).contains("3 open cases have no referent"));
        let index = w.manager.page(&app, "/caseloads").await;
        for c in &w.cases {
            assert!(index.contains(&format!("value=\"{c}:")), "{c} among the cases without a referent");
        }
        // Given to Chloe from that list.
        let one = ticked(&index, &w.cases[0]);
        let res = w.manager.post(&app, "/caseloads/reassign", &[("from", "unassigned"), ("case", &one), ("to", &w.chloe.id), ("mode", "permanent")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/caseloads?moved=1");
        assert!(visible_text(&w.manager.page(&app, "/").await).contains("2 accompagnements ouverts"));
        // A worker sees no such alert.
        assert!(!visible_text(&w.chloe.page(&app, "/").await).contains("pas de référent"));
    }

    async fn the_referents_page_follows_the_policy_and_the_version(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/cases/{}/referents", w.cases[0]);
        // The referent adds co-referents, without a choice of referent.
        let html = w.alice.page(&app, &path).await;
        assert!(!html.contains("<select id=\"referent\""));
        let res = w.alice.post(&app, &path, &[("version", "1"), ("co_referent", &w.chloe.id)]).await;
        assert_eq!(res.status(), 303);
        assert!(visible_text(&w.alice.page(&app, &location(&res)).await).contains("Les référents ont été enregistrés"));
        // A co-referent, a colleague, another team's worker, the supervisor: not found.
        for b in [&w.chloe, &w.bruno, &w.supervisor] {
            assert_eq!(b.get(&app, &path).await.status(), 404);
            assert_eq!(b.post(&app, &path, &[("version", "2")]).await.status(), 404);
        }
        // The manager changes the referent; Alice's stale form is refused, her choice shown.
        let res = w.manager.post(&app, &path, &[("version", "2"), ("referent", &w.bruno.id), ("co_referent", &w.chloe.id)]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(referent_of(&app, &w.cases[0]).await, w.bruno.id);
        assert_eq!(w.alice.get(&app, &path).await.status(), 404, "no longer the referent");
        let res = w.manager.post(&app, &path, &[("version", "2"), ("referent", &w.alice.id)]).await;
        assert_eq!(res.status(), 409);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Votre choix, non enregistré : Alice"), "{text}");
        assert_eq!(referent_of(&app, &w.cases[0]).await, w.bruno.id);
        // The referent as co-referent: refused with the field named, in English too.
        let res = w.manager.client.post(app.url(&path)).header("accept-language", "en")
            .form(&[("csrf_token", w.manager.csrf.as_str()), ("version", "3"), ("referent", &w.bruno.id), ("co_referent", &w.bruno.id)])
            .send().await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("href=\"#co_referents\""));
        // The timeline shows both changes to the manager (metadata), no key left untranslated.
        let case = w.manager.page(&app, &format!("/cases/{}", w.cases[0])).await;
        let text = visible_text(&case);
        assert!(text.contains("Référents modifiés") && text.contains("Bruno (Chloe)"), "{text}");
        assert!(!case.contains("case-event-"));
        assert_eq!(updates(&app, &w.cases[0]).await, 2);
    }

    async fn follow_up_checks_are_scheduled_at_closure_and_recorded(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case = &w.cases[0];
        let follow = format!("/cases/{case}/follow-ups");
        // Before closure: nothing to schedule.
        let res = w.alice.post(&app, &follow, &[("due", &tomorrow_plus(30))]).await;
        assert_eq!(res.status(), 422);
        let res = w.alice.post(&app, &format!("/cases/{case}/status"), &[("version", "1"), ("status", "closed"), ("closure_reason", "goals_achieved")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), format!("{follow}?closed=1"));
        let html = w.alice.page(&app, &location(&res)).await;
        let proposed = domain::persons::iso_date(domain::follow_ups::add_months(time::OffsetDateTime::now_utc().date(), 3));
        assert!(html.contains(&format!("value=\"{proposed}\"")), "3 months proposed");
        // A date before the closure is refused and kept.
        let res = w.alice.post(&app, &follow, &[("due", "2020-01-01"), ("due", &proposed)]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("value=\"2020-01-01\"") && html.contains("href=\"#due-0\""));
        // Today (due now, so on the home page) and in 3 months.
        let today = tomorrow_plus(0);
        let res = w.alice.post(&app, &follow, &[("due", &today), ("due", &proposed), ("due", "")]).await;
        assert_eq!(res.status(), 303);
        let home = w.alice.page(&app, "/").await;
        let at = home.find(&format!("{follow}/")).expect("the due check on the home page");
        let check = home[at..at + home[at..].find('"').unwrap()].to_owned();
        assert!(visible_text(&home).contains("Durand Camille : suivi prévu le"));
        // The record form: a rating out of range is refused, what was typed stays.
        let form = w.alice.page(&app, &check).await;
        assert!(form.contains("name=\"domain-housing\""));
        let bad = [("version", "1"), ("done_on", today.as_str()), ("wellbeing", "12"), ("power_to_act", "5"), ("domain-housing", "held")];
        let res = w.alice.post(&app, &check, &bad).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("id=\"domain-housing-held\" name=\"domain-housing\" value=\"held\" checked"));
        let good = [("version", "1"), ("done_on", today.as_str()), ("wellbeing", "7"), ("power_to_act", "5"), ("domain-housing", "held"), ("domain-budget", "partly")];
        let res = w.alice.post(&app, &check, &good).await;
        assert_eq!(res.status(), 303);
        // Sent again: it changed meanwhile (409), nothing written twice.
        let res = w.alice.post(&app, &check, &good).await;
        assert_eq!(res.status(), 409);
        assert!(visible_text(&res.text().await.unwrap()).contains("Ce suivi a changé depuis que vous avez ouvert la page (il est maintenant : Fait)"));
        // Its form now sends back to the list.
        assert_eq!(w.alice.get(&app, &check).await.status(), 303);
        let text = visible_text(&w.alice.page(&app, &follow).await);
        assert!(text.contains("7/10") && text.contains("5/10") && text.contains("Logement : A tenu"), "{text}");
        // The other check is missed; a stale missed form is a conflict.
        let html = w.alice.page(&app, &follow).await;
        let at = html.find("/missed\"").expect("a missed button");
        let missed = format!("{}{}", &html[html[..at].rfind("\"/cases/").unwrap() + 1..at], "/missed");
        assert_eq!(w.alice.post(&app, &missed, &[("version", "1")]).await.status(), 303);
        assert_eq!(w.alice.post(&app, &missed, &[("version", "1")]).await.status(), 409);
        // The timeline, in both languages.
        let page = w.alice.page(&app, &format!("/cases/{case}")).await;
        let text = visible_text(&page);
        for heading in ["Suivi après clôture prévu", "Suivi après clôture fait", "Suivi après clôture manqué"] {
            assert!(text.contains(heading), "{heading} in {text}");
        }
        assert!(!page.contains("case-event-"));
        let en = visible_text(&w.alice.get_en(&app, &format!("/cases/{case}")).await);
        for heading in ["Follow-up check scheduled", "Follow-up check done", "Follow-up check missed"] {
            assert!(en.contains(heading), "{heading} in {en}");
        }
        // A colleague of the team records too; another team's worker, the manager: not found.
        assert_eq!(w.chloe.get(&app, &follow).await.status(), 200);
        assert_eq!(w.bruno.get(&app, &follow).await.status(), 404);
        assert_eq!(w.manager.get(&app, &follow).await.status(), 404);
        assert_eq!(w.bruno.post(&app, &follow, &[("due", &proposed)]).await.status(), 404);
    }
}
