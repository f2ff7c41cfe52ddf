//! Assessments on the web — on SQLite and PostgreSQL: recording one with the person's ratings,
//! reading it with its radar, comparing two with change arrows, the radar panel and the
//! timeline events on the case page in both languages, who may see them (other team, manager
//! without content, supervisor, reception: not found), refused forms that keep what was typed,
//! drafts kept on the server, stale corrections that write nothing, and the organisation's
//! level descriptions.

use domain::TeamId;
use domain::accounts::Role;
use domain::organisations::{DisplayName, NewTeam};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-assess";

struct Browser {
    client: reqwest::Client,
    csrf: String,
}

async fn user(app: &TestApp, email: &str, role: Role, teams: &[(TeamId, bool)]) -> Browser {
    let id = app.create_user(email, PASSWORD, Some((ORG, role))).await;
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let member = store::accounts::find_member_by_user(db, org, id).await.unwrap().unwrap();
    for (team, supervises) in teams {
        store::accounts::add_membership_team(db, member.membership_id, *team, *supervises)
            .await
            .unwrap();
    }
    sign_in(app, email).await
}

async fn sign_in(app: &TestApp, email: &str) -> Browser {
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, email, PASSWORD).await.status(), 303);
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    Browser { csrf: csrf_in(&html).unwrap(), client }
}

async fn team(app: &TestApp, name: &str) -> TeamId {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let new = NewTeam {
        id: TeamId::new(),
        organisation_id: org,
        name: DisplayName::parse(name).unwrap(),
    };
    store::teams::insert(db, &new, Ts::now()).await.unwrap().id
}

impl Browser {
    async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client.post(app.url(path)).form(&form).send().await.unwrap()
    }

    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client.get(app.url(path)).send().await.unwrap()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let res = self.get(app, path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    async fn page_en(&self, app: &TestApp, path: &str) -> String {
        let res =
            self.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

struct World {
    worker: Browser,
    other_team: Browser,
    supervisor: Browser,
    manager: Browser,
    reception: Browser,
    case: String,
}

async fn world(app: &TestApp) -> World {
    let manager = user(app, "manager@assess.example", Role::Manager, &[]).await;
    let insertion = team(app, "Insertion").await;
    let logement = team(app, "Logement").await;
    let worker = user(app, "worker@assess.example", Role::Worker, &[(insertion, false)]).await;
    let other_team = user(app, "other@assess.example", Role::Worker, &[(logement, false)]).await;
    let supervisor =
        user(app, "supervisor@assess.example", Role::Supervisor, &[(insertion, true)]).await;
    let reception = user(app, "reception@assess.example", Role::Reception, &[]).await;
    let res = worker
        .post(app, "/persons/new", &[("birth_name", "Dupont"), ("first_names", "Hélène")])
        .await;
    assert_eq!(res.status(), 303);
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let worker_id = store::accounts::find_user_by_email(&app.state.db, "worker@assess.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let res = worker
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[("reason", "Dettes"), ("team", &insertion.to_string()), ("referent", &worker_id)],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let case = location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned();
    World { worker, other_team, supervisor, manager, reception, case }
}

const DOMAINS: [&str; 14] = [
    "housing",
    "employment",
    "budget",
    "health",
    "mental_health",
    "family",
    "justice",
    "education",
    "mobility",
    "social_life",
    "rights",
    "food",
    "digital",
    "french_language",
];

/// The fields of an assessment of 13 domains (all but the last), each need at `need(i)`, the
/// person's own rating one lower, the first `priorities` domains priorities.
fn fields(date: &str, need: impl Fn(usize) -> u8, priorities: usize) -> Vec<(String, String)> {
    let mut out = vec![("date".to_owned(), date.to_owned())];
    for (i, code) in DOMAINS.iter().take(13).enumerate() {
        let n = need(i);
        out.push((format!("need-{code}"), n.to_string()));
        out.push((format!("person-{code}"), n.saturating_sub(1).to_string()));
        out.push((format!("strengths-{code}"), format!("Appui {code}")));
        if i < priorities {
            out.push((format!("priority-{code}"), "on".to_owned()));
        }
    }
    out.push(("person_words-housing".to_owned(), "« Je dors chez ma sœur »".to_owned()));
    out
}

async fn assess(app: &TestApp, b: &Browser, case: &str, fields: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = b.post(app, &format!("/cases/{case}/assessments/new"), &pairs).await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    let to = location(&res);
    assert!(to.ends_with("?saved=added"), "{to}");
    to.split('?').next().unwrap().rsplit('/').next().unwrap().to_owned()
}

async fn audit_reads(app: &TestApp, case: &str) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(domain::audit::AuditAction::CaseFileRead),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events.len()
}

engine_tests! {
    async fn an_assessment_is_recorded_read_compared_and_drawn_on_the_case_page(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let base = format!("/cases/{}/assessments", w.case);
        let empty = visible_text(&w.worker.page(&app, &base).await);
        assert!(empty.contains("Aucun diagnostic"), "{empty}");
        let first = assess(&app, &w.worker, &w.case, &fields("2026-08-01", |i| (i % 5) as u8, 4)).await;
        let html = w.worker.page(&app, &format!("{base}/{first}?saved=added")).await;
        let text = visible_text(&html);
        assert!(text.contains("13 domaines évalués · 4 priorités"), "{text}");
        assert!(text.contains("Le diagnostic est enregistré"));
        assert!(html.contains("« Je dors chez ma sœur »") || html.contains("&#171; Je dors chez ma s"), "the person's words");
        assert!(html.contains("<svg class=\"chart radar\""), "a radar");
        assert!(text.contains("4 — Besoin critique") && text.contains("Appui housing"));
        // Three months later, better in most domains.
        let second = assess(&app, &w.worker, &w.case, &fields("2026-11-01", |i| ((i % 5) as u8).saturating_sub(1), 2)).await;
        let html = w.worker.page(&app, &format!("{base}/{second}")).await;
        assert!(html.contains(&format!("compare?from={first}&amp;to={second}")));
        assert!(html.contains("stroke-dasharray"), "the previous one overlaid, dashed");
        let diff = visible_text(&w.worker.page(&app, &format!("{base}/compare?from={first}&to={second}")).await);
        assert!(diff.contains("Évolution du 01/08/2026 au 01/11/2026"), "{diff}");
        assert!(diff.contains("↘ en progrès") && diff.contains("→ inchangé"), "{diff}");
        assert!(diff.contains("n'est plus prioritaire") && diff.contains("toujours prioritaire"));
        // The list: both, latest first, an evolution chart per domain with its table.
        let list = w.worker.page(&app, &base).await;
        assert!(list.find("01/11/2026").unwrap() < list.find("01/08/2026").unwrap());
        assert_eq!(list.matches("<svg class=\"chart line\"").count(), 13);
        assert!(visible_text(&list).contains("Avis de la personne"));
        // The case page: the radar panel with both dates, its table, and the timeline events.
        let case = w.worker.page(&app, &format!("/cases/{}", w.case)).await;
        let text = visible_text(&case);
        assert!(text.contains("Dernier diagnostic : 01/11/2026 · précédent : 01/08/2026"), "{text}");
        assert!(case.contains("id=\"case-radar-title\""));
        assert!(text.contains("Diagnostic enregistré"));
        assert!(case.contains(&format!("href=\"{base}/{second}\"")), "the event links to it");
        let en = visible_text(&w.worker.page_en(&app, &format!("/cases/{}", w.case)).await);
        assert!(en.contains("Assessment recorded") && en.contains("Latest assessment: 01/11/2026"), "{en}");
        let en = visible_text(&w.worker.page_en(&app, &format!("{base}/compare")).await);
        assert!(en.contains("↘ better") && en.contains("Housing"), "{en}");
        // Every page read was audited (lists twice, two reads, two compares, the case page twice).
        assert_eq!(audit_reads(&app, &w.case).await, 8);
    }

    async fn only_readers_of_the_content_see_assessments(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = assess(&app, &w.worker, &w.case, &fields("2026-08-01", |_| 2, 1)).await;
        let base = format!("/cases/{}/assessments", w.case);
        let pages = [
            base.clone(),
            format!("{base}/{id}"),
            format!("{base}/compare"),
            format!("{base}/new"),
            format!("{base}/{id}/edit"),
        ];
        for b in [&w.other_team, &w.reception, &w.manager] {
            for p in &pages {
                assert_eq!(b.get(&app, p).await.status(), 404, "{p}");
            }
            let res = b.post(&app, &format!("{base}/new"), &[("date", "2026-08-02"), ("need-housing", "1")]).await;
            assert_eq!(res.status(), 404);
        }
        // The manager sees the case's metadata, no radar.
        let mgr = w.manager.page(&app, &format!("/cases/{}", w.case)).await;
        assert!(!mgr.contains("case-assessment-heading") && !visible_text(&mgr).contains("Diagnostic enregistré"));
        // The supervisor reads, writes nothing.
        assert!(w.supervisor.page(&app, &format!("{base}/{id}")).await.contains("chart radar"));
        assert!(!w.supervisor.page(&app, &base).await.contains(&format!("{base}/new")));
        assert_eq!(w.supervisor.get(&app, &format!("{base}/new")).await.status(), 404);
        // Another case's id, or an unknown one, is not found.
        assert_eq!(w.worker.get(&app, &format!("{base}/{}", domain::CaseId::new())).await.status(), 404);
        assert_eq!(w.worker.get(&app, &format!("/cases/{}/assessments", domain::CaseId::new())).await.status(), 404);
        // Without the anti-forgery token nothing is written.
        let res = w.worker.client.post(app.url(&format!("{base}/new"))).form(&[("date", "2026-08-02"), ("need-housing", "1")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let list = w.worker.page(&app, &base).await;
        assert_eq!(list.matches(&format!("href=\"{base}/")).count(), 2, "one assessment and the new link: {list}");
    }

    async fn a_refused_form_keeps_what_was_typed_and_its_draft_outlives_the_session(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let new = format!("/cases/{}/assessments/new", w.case);
        let res = w.worker.post(&app, &new, &[
            ("date", "2999-01-01"), ("need-housing", "7"), ("person-health", "2"),
            ("strengths-housing", "Sa sœur <b>l'héberge</b>"),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("href=\"#date\"") && html.contains("href=\"#need-housing\""), "{html}");
        assert!(html.contains("Sa sœur &#60;b&#62;l&#39;héberge&#60;/b&#62;"), "kept, escaped");
        assert!(html.contains("value=\"2999-01-01\""));
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"date-hint date-error\"") || html.contains("date-error"));
        assert!(html.contains("id=\"person-health-2\" name=\"person-health\" value=\"2\" checked"));
        let res = w.worker.post(&app, &new, &[("date", "2026-08-01")]).await;
        assert_eq!(res.status(), 422, "nothing assessed");
        assert!(res.text().await.unwrap().contains("href=\"#domains\""));

        // The draft, as htmx sends it.
        let draft = format!("/cases/{}/assessments/draft", w.case);
        let res = w.worker.client.post(app.url(&draft)).header("x-csrf-token", &w.worker.csrf)
            .form(&[("date", "2026-08-01"), ("need-food", "3"), ("person_words-food", "« Le frigo est vide »")])
            .send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("Brouillon enregistré"));
        let res = w.worker.client.post(app.url(&draft)).form(&[("need-food", "1")]).send().await.unwrap();
        assert_eq!(res.status(), 403, "no token, no draft");
        let res = w.supervisor.client.post(app.url(&draft)).header("x-csrf-token", &w.supervisor.csrf).form(&[("need-food", "1")]).send().await.unwrap();
        assert_eq!(res.status(), 404);

        // The session ends; signed in again, the draft is on the home page and in the form.
        let db = &app.state.db;
        let me = store::accounts::find_user_by_email(db, "worker@assess.example").await.unwrap().unwrap().id;
        store::sessions::delete_all_of_user(db, me).await.unwrap();
        let again = sign_in(&app, "worker@assess.example").await;
        let home = again.page(&app, "/").await;
        assert!(home.contains(&format!("href=\"{new}\"")), "{}", visible_text(&home));
        assert!(visible_text(&home).contains("Diagnostic en cours pour"));
        let form = again.page(&app, &new).await;
        assert!(visible_text(&form).contains("Brouillon restauré"));
        assert!(form.contains("« Le frigo est vide »") || form.contains("&#171; Le frigo est vide &#187;"));
        assert!(form.contains("id=\"need-food-3\" name=\"need-food\" value=\"3\" checked"));
        // Saving forgets it.
        let id = assess(&app, &again, &w.case, &fields("2026-08-01", |_| 1, 0)).await;
        assert!(!again.page(&app, &new).await.contains("frigo"));
        assert!(!again.page(&app, "/").await.contains(&format!("href=\"{new}\"")));
        assert!(!id.is_empty());
    }

    async fn a_stale_correction_shows_both_versions_and_writes_nothing(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let id = assess(&app, &w.worker, &w.case, &fields("2026-08-01", |_| 3, 0)).await;
        let edit = format!("/cases/{}/assessments/{id}/edit", w.case);
        let form = w.worker.page(&app, &edit).await;
        assert!(form.contains("id=\"need-housing-3\" name=\"need-housing\" value=\"3\" checked"));
        assert!(form.contains("name=\"version\" value=\"1\""));
        let res = w.worker.post(&app, &edit, &[("version", "1"), ("date", "2026-08-01"), ("need-housing", "1"), ("strengths-housing", "Relogée")]).await;
        assert_eq!(res.status(), 303);
        assert!(location(&res).ends_with("?saved=corrected"));
        let res = w.worker.post(&app, &edit, &[("version", "1"), ("date", "2026-08-01"), ("need-housing", "4"), ("strengths-housing", "Écrasement")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Relogée") && text.contains("1 — Besoin léger"), "the stored one: {text}");
        assert!(html.contains("Écrasement"), "what was typed is kept");
        assert!(html.contains("name=\"version\" value=\"2\""));
        let shown = visible_text(&w.worker.page(&app, &format!("/cases/{}/assessments/{id}", w.case)).await);
        assert!(shown.contains("Relogée") && !shown.contains("Écrasement"));
        assert!(shown.contains("corrigé par"));
        let case = visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(case.contains("Diagnostic corrigé") && case.contains("Diagnostic enregistré"));
        let en = visible_text(&w.worker.page_en(&app, &format!("/cases/{}", w.case)).await);
        assert!(en.contains("Assessment corrected") && en.contains("Assessment recorded"));
    }

    async fn managers_describe_the_levels_without_code(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let page = "/admin/assessment-levels";
        assert_eq!(w.worker.get(&app, page).await.status(), 404);
        let html = w.manager.page(&app, page).await;
        assert!(visible_text(&html).contains("Une situation d'urgence ou de danger"), "the default as a hint");
        assert!(html.contains("href=\"/admin/assessment-levels\" aria-current=\"page\""));
        let res = w.manager.post(&app, page, &[("domain", ""), ("fr-4", "À la rue ou en danger"), ("version-4", "0")]).await;
        assert_eq!(res.status(), 303);
        let res = w.manager.post(&app, page, &[("domain", "housing"), ("fr-3", "Expulsion annoncée"), ("en-3", "Eviction notice"), ("version-3", "0")]).await;
        assert_eq!(res.status(), 303);
        assert!(location(&res).ends_with("&domain=housing"));
        // A stale form: nothing written, both shown.
        let res = w.manager.post(&app, page, &[("domain", ""), ("fr-4", "Autre"), ("version-4", "0")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Enregistré entre-temps : À la rue ou en danger"));
        assert!(html.contains("value=\"Autre\""), "what was typed is kept");
        let res = w.manager.post(&app, page, &[("domain", ""), ("fr-0", "x\u{7}y")]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(w.manager.get(&app, "/admin/assessment-levels?domain=castle").await.status(), 404);
        // The form shows them as hints: the domain's own, then the organisation's, in English
        // the French text when no English one was written.
        let form = visible_text(&w.worker.page(&app, &format!("/cases/{}/assessments/new", w.case)).await);
        assert!(form.contains("Expulsion annoncée") && form.contains("À la rue ou en danger"), "{form}");
        let en = visible_text(&w.worker.page_en(&app, &format!("/cases/{}/assessments/new", w.case)).await);
        assert!(en.contains("Eviction notice") && en.contains("À la rue ou en danger") && en.contains("Slight need"), "{en}");
        // Life domains are a value list: hiding one takes it out of new assessments.
        let list = w.manager.page(&app, "/admin/lists/life_domain").await;
        assert!(list.contains("id=\"fr-housing\""));
    }
}
