//! The action plan on the web — on SQLite and PostgreSQL: a worker writes goals in the
//! person's words with steps, records a victory and the person's agreement, and sees them on
//! the plan, the case overview and the timeline (every event's heading in French and English);
//! bad input is refused with everything typed kept; two workers editing the same goal or step
//! get a conflict page showing both versions and lose nothing; who may not read the case gets
//! "not found" for every plan page, a supervisor reads without writing, a closed case is read
//! only; each page and change is audited.

use domain::TeamId;
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewTeam};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-plans";

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

    async fn status(&self, app: &TestApp, path: &str) -> u16 {
        self.client.get(app.url(path)).send().await.unwrap().status().as_u16()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let res = self.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    async fn page_in(&self, app: &TestApp, path: &str, lang: &str) -> String {
        let res =
            self.client.get(app.url(path)).header("accept-language", lang).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

struct World {
    worker: Browser,
    colleague: Browser,
    other_team: Browser,
    supervisor: Browser,
    manager: Browser,
    reception: Browser,
    case: String,
}

async fn world(app: &TestApp) -> World {
    let manager = user(app, "manager@plans.example", Role::Manager, &[]).await;
    let insertion = team(app, "Insertion").await;
    let logement = team(app, "Logement").await;
    let worker = user(app, "worker@plans.example", Role::Worker, &[(insertion, false)]).await;
    let colleague = user(app, "colleague@plans.example", Role::Worker, &[(insertion, false)]).await;
    let other_team = user(app, "other@plans.example", Role::Worker, &[(logement, false)]).await;
    let supervisor =
        user(app, "supervisor@plans.example", Role::Supervisor, &[(insertion, true)]).await;
    let reception = user(app, "reception@plans.example", Role::Reception, &[]).await;
    let res = worker
        .post(app, "/persons/new", &[("birth_name", "Dupont"), ("first_names", "Hélène")])
        .await;
    assert_eq!(res.status(), 303);
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let worker_id = store::accounts::find_user_by_email(&app.state.db, "worker@plans.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let res = worker
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[("reason", "Logement"), ("team", &insertion.to_string()), ("referent", &worker_id)],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let case = location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned();
    World { worker, colleague, other_team, supervisor, manager, reception, case }
}

/// The id after `prefix` in a redirect or a page (`…/goals/<id>/…`).
fn id_after(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).unwrap_or_else(|| panic!("{prefix} in {text}")) + prefix.len();
    text[start..start + 36].to_owned()
}

async fn add_goal(app: &TestApp, w: &World, words: &str, domains: &[&str]) -> String {
    let mut fields = vec![("person_words", words)];
    fields.extend(domains.iter().map(|d| ("domain", *d)));
    let res = w.worker.post(app, &format!("/cases/{}/plan/goals/new", w.case), &fields).await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    id_after(&location(&res), "#goal-")
}

async fn audit_count(app: &TestApp, case: &str, action: AuditAction) -> usize {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(action),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 200).await.unwrap().events.len()
}

/// The text of a PDF, through poppler's pdftotext (scripts/install-deps.sh installs it).
fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("passerelle-plan-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

async fn pdf(app: &TestApp, b: &Browser, path: &str) -> String {
    let res = b.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    pdf_text(&bytes)
}

engine_tests! {
    async fn the_person_gets_their_plan_as_a_pdf_in_their_language_and_the_export_is_audited(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let plan = format!("/cases/{}/plan", w.case);
        let goal = add_goal(&app, &w, "Avoir un chez-moi #import \"x\" *avant* l'hiver", &["housing"]).await;
        let res = w.worker.post(&app, &format!("{plan}/goals/{goal}/steps/new"), &[("action", "Déposer la demande"), ("owner", "partner"), ("partner_name", "Action Logement"), ("due_on", "2030-03-01")]).await;
        assert_eq!(res.status(), 303);
        let res = w.worker.post(&app, &format!("{plan}/goals/{goal}/steps/new"), &[("action", "Abandonnée en route"), ("owner", "person")]).await;
        assert_eq!(res.status(), 303);
        let page = w.worker.page(&app, &plan).await;
        let dropped = page.rfind("/plan/steps/").map(|i| page[i + 12..i + 48].to_owned()).unwrap();
        let res = w.worker.post(&app, &format!("{plan}/steps/{dropped}/edit"), &[("version", "1"), ("action", "Abandonnée en route"), ("owner", "person"), ("status", "cancelled")]).await;
        assert_eq!(res.status(), 303);
        let res = w.worker.post(&app, &format!("{plan}/victories/new"), &[("date", "2026-01-10"), ("person_words", "J'ai ouvert mon compte")]).await;
        assert_eq!(res.status(), 303);

        // The person's record names no language: French.
        let fr = pdf(&app, &w.worker, &format!("{plan}.pdf")).await;
        assert!(fr.contains("Mon plan d'action") || fr.contains("Mon plan d’action"), "{fr}");
        assert!(fr.contains("Dupont Hélène"), "{fr}");
        assert!(fr.contains("Page 1 sur 1"), "{fr}");
        assert!(fr.contains("Avoir un chez-moi #import \"x\" *avant* l'hiver"), "typed text printed as typed: {fr}");
        assert!(fr.contains("Déposer la demande") && fr.contains("Action Logement") && fr.contains("01/03/2030"), "{fr}");
        assert!(!fr.contains("Abandonnée en route"), "a cancelled step is left out: {fr}");
        assert!(fr.contains("J'ai ouvert mon compte"), "{fr}");
        assert!(fr.contains("Je n'ai pas encore dit si j'étais d'accord"), "{fr}");
        // English on request, and by default for a person whose record says English.
        let en = pdf(&app, &w.worker, &format!("{plan}.pdf?lang=en")).await;
        assert!(en.contains("My action plan") && en.contains("Who") && !en.contains("A partner"), "{en}");
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let case = store::cases::find(&app.state.db, org, w.case.parse().unwrap()).await.unwrap().unwrap();
        let person = store::persons::find(&app.state.db, org, case.person_id).await.unwrap().unwrap();
        let res = w.worker.post(&app, &format!("/persons/{}/edit", case.person_id), &[("version", &person.version.to_string()), ("birth_name", "Dupont"), ("first_names", "Hélène"), ("languages", "arabe, English")]).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        let en = pdf(&app, &w.worker, &format!("{plan}.pdf")).await;
        assert!(en.contains("My action plan") && en.contains("My goals"), "{en}");
        // The team's supervisor may print it too; nobody outside the case.
        assert!(pdf(&app, &w.supervisor, &format!("{plan}.pdf")).await.contains("My action plan"));
        for b in [&w.other_team, &w.manager, &w.reception] {
            assert_eq!(b.status(&app, &format!("{plan}.pdf")).await, 404);
        }
        // Each export is audited, naming the document and language, not the text.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let filter = store::audit::AuditFilter {
            subject_id: Some(w.case.parse().unwrap()),
            action: Some(AuditAction::CaseExported),
            ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
        };
        let events = store::audit::search(&app.state.db, &filter, None, 20).await.unwrap().events;
        assert_eq!(events.len(), 4);
        let details = events.iter().filter_map(|e| e.details.clone()).collect::<Vec<_>>().join(" ");
        assert!(details.contains("plan") && details.contains("\"en\"") && !details.contains("chez-moi"), "{details}");
    }


    async fn a_worker_builds_the_plan_with_the_person_and_sees_it_on_the_case_and_its_timeline(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let plan = format!("/cases/{}/plan", w.case);
        let empty = w.worker.page(&app, &plan).await;
        assert!(visible_text(&empty).contains("Aucun objectif pour l'instant"), "{}", visible_text(&empty));

        // Bad input: the person's words are required, nothing typed is lost.
        let res = w.worker.post(&app, &format!("{plan}/goals/new"), &[("person_words", "  "), ("worker_words", "Accès au logement autonome"), ("domain", "housing"), ("domain", "moon")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("Écrivez-le dans les mots de la personne"), "{}", visible_text(&html));
        assert!(html.contains("href=\"#person_words\""));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains(">Accès au logement autonome</textarea>"));
        assert!(html.contains("value=\"housing\" checked"));

        let lodging = add_goal(&app, &w, "Avoir un chez-moi <b>avant l'hiver</b>", &["housing", "budget"]).await;
        let work = add_goal(&app, &w, "Retrouver du travail", &["employment"]).await;
        // A step with an owner and a date already past (overdue), another without a date.
        let res = w.worker.post(&app, &format!("{plan}/goals/{lodging}/steps/new"), &[("action", "Déposer la demande de logement social"), ("owner", "partner"), ("partner_name", "Action Logement"), ("due_on", "2025-01-15")]).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        let res = w.worker.post(&app, &format!("{plan}/goals/{lodging}/steps/new"), &[("action", "x"), ("owner", "person"), ("partner_name", "CAF"), ("due_on", "2026-02-31")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Un nom de partenaire ne va qu'avec"), "{}", visible_text(&html));
        assert!(html.contains("value=\"2026-02-31\""), "{html}");
        let res = w.worker.post(&app, &format!("{plan}/goals/{work}/steps/new"), &[("action", "S'inscrire à France Travail"), ("owner", "person")]).await;
        assert_eq!(res.status(), 303);

        let page = w.worker.page(&app, &plan).await;
        let text = visible_text(&page);
        // The person's words are shown as typed, never as markup.
        assert!(!page.contains("<b>avant") && text.contains("Avoir un chez-moi &#60;b&#62;avant l'hiver"), "{text}");
        assert!(text.contains("Logement, Ressources, budget") || text.contains("Ressources, budget, Logement"), "{text}");
        assert!(text.contains("un partenaire : Action Logement"), "{text}");
        assert!(text.contains("15/01/2025 (en retard)"), "{text}");
        assert!(text.contains("L'accord de la personne sur ce plan n'est pas encore enregistré"));

        // A victory (in the future: refused, kept), then as it happened.
        let res = w.worker.post(&app, &format!("{plan}/victories/new"), &[("date", "2999-01-01"), ("person_words", "J'ai ouvert mon compte"), ("goal", &work)]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Cette date est après aujourd'hui"));
        assert!(html.contains(">J&#39;ai ouvert mon compte</textarea>"), "{html}");
        assert!(html.contains(&format!("value=\"{work}\" selected")));
        let today = time::OffsetDateTime::now_utc().date();
        let today = format!("{}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day());
        let res = w.worker.post(&app, &format!("{plan}/victories/new"), &[("date", "2026-01-10"), ("person_words", "J'ai ouvert mon compte"), ("goal", &work)]).await;
        assert_eq!(res.status(), 303);

        // The agreement, then a change: "changed since the agreement".
        let res = w.worker.post(&app, &format!("{plan}/agreement"), &[("date", &today)]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Choisissez comment la personne a donné son accord"));
        let res = w.worker.post(&app, &format!("{plan}/agreement"), &[("date", &today), ("method", "signed_paper")]).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&w.worker.page(&app, &plan).await);
        assert!(text.contains("(Signé sur papier), enregistré par Test User"), "{text}");
        assert!(!text.contains("Le plan a changé depuis l'accord"));
        let res = w.worker.post(&app, &format!("{plan}/goals/{work}/steps/new"), &[("action", "Préparer un CV"), ("owner", "worker")]).await;
        assert_eq!(res.status(), 303);
        let en = visible_text(&w.worker.page_in(&app, &plan, "en").await);
        assert!(en.contains("The plan has changed since the agreement."), "{en}");
        assert!(en.contains("a partner: Action Logement"), "{en}");
        assert!(en.contains("(overdue)"));

        // Achieve the second goal: it leaves the overview's active goals.
        let edit = w.worker.page(&app, &format!("{plan}/goals/{work}/edit")).await;
        assert!(edit.contains("name=\"version\" value=\"1\""));
        let res = w.worker.post(&app, &format!("{plan}/goals/{work}/edit"), &[("version", "1"), ("person_words", "Retrouver du travail"), ("domain", "employment"), ("status", "achieved")]).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));

        // The case overview: active goals with their next step, overdue in words, victories.
        let overview = w.worker.page(&app, &format!("/cases/{}", w.case)).await;
        let start = overview.find("id=\"case-plan-heading\"").expect("the plan's panel");
        let end = start + overview[start..].find("</section>").unwrap();
        let overview = visible_text(&overview[start..end]);
        assert!(overview.contains("Objectifs et prochaines étapes"), "{overview}");
        assert!(overview.contains("Prochaine étape : Déposer la demande de logement social — un partenaire : Action Logement, pour le 15/01/2025 (en retard)"), "{overview}");
        assert!(!overview.contains("Préparer un CV"), "an achieved goal's step is not next");
        assert!(overview.contains("10/01/2026 — J'ai ouvert mon compte"), "{overview}");
        // The timeline, in both languages.
        for (lang, words) in [("fr", ["Objectif ajouté", "Étape ajoutée", "Victoire", "La personne a donné son accord sur le plan", "Objectif atteint"]), ("en", ["Goal added", "Step added", "Victory", "The person agreed to the plan", "Goal achieved"])] {
            let html = w.worker.page_in(&app, &format!("/cases/{}?type=kind:plan", w.case), lang).await;
            let text = visible_text(&html);
            for word in words.iter().filter(|w| **w != "Victory" && **w != "Victoire") {
                assert!(text.contains(word), "{lang}: {word} in {text}");
            }
            assert!(!text.contains("case-event-"), "{text}");
            let victories = visible_text(&w.worker.page_in(&app, &format!("/cases/{}?type=kind:victory", w.case), lang).await);
            assert!(victories.contains(words[2]) && victories.contains("J'ai ouvert mon compte"), "{victories}");
        }
        // Every page read and every change is audited (the case's read events include the plan's).
        assert!(audit_count(&app, &w.case, AuditAction::CaseFileRead).await >= 6);
        assert_eq!(audit_count(&app, &w.case, AuditAction::RecordCreated).await, 1 + 2 + 3 + 1 + 1, "the case, goals, steps, victory, agreement");
        assert_eq!(audit_count(&app, &w.case, AuditAction::RecordUpdated).await, 1);
    }

    async fn two_workers_editing_the_same_goal_or_step_see_both_versions_and_lose_nothing(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let plan = format!("/cases/{}/plan", w.case);
        let goal = add_goal(&app, &w, "Payer mes dettes", &["budget"]).await;
        // Both open the form at version 1.
        let edit = format!("{plan}/goals/{goal}/edit");
        assert!(w.worker.page(&app, &edit).await.contains("name=\"version\" value=\"1\""));
        assert!(w.colleague.page(&app, &edit).await.contains("name=\"version\" value=\"1\""));
        let res = w.worker.post(&app, &edit, &[("version", "1"), ("person_words", "Payer mes dettes"), ("worker_words", "Plan d'apurement avec le bailleur"), ("domain", "budget"), ("status", "active")]).await;
        assert_eq!(res.status(), 303);
        let res = w.colleague.post(&app, &edit, &[("version", "1"), ("person_words", "Ne plus avoir de dettes du tout"), ("domain", "budget"), ("domain", "housing"), ("status", "active")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Enregistré entre-temps"), "{text}");
        assert!(text.contains("Plan d'apurement avec le bailleur"), "the other worker's version: {text}");
        assert!(html.contains(">Ne plus avoir de dettes du tout</textarea>"), "what was typed is kept");
        assert!(html.contains("value=\"housing\" checked"));
        assert!(html.contains("name=\"version\" value=\"2\""), "sending again saves over the version shown");
        // Nothing was written by the stale form.
        let page = visible_text(&w.worker.page(&app, &plan).await);
        assert!(page.contains("Payer mes dettes") && !page.contains("Ne plus avoir de dettes"), "{page}");
        // Sent again from the version shown, it saves.
        let res = w.colleague.post(&app, &edit, &[("version", "2"), ("person_words", "Ne plus avoir de dettes du tout"), ("worker_words", "Plan d'apurement avec le bailleur"), ("domain", "budget"), ("status", "active")]).await;
        assert_eq!(res.status(), 303);
        assert!(visible_text(&w.worker.page(&app, &plan).await).contains("Ne plus avoir de dettes du tout"));

        // Steps likewise; adding a step meanwhile never conflicts.
        let res = w.worker.post(&app, &format!("{plan}/goals/{goal}/steps/new"), &[("action", "Appeler le bailleur"), ("owner", "worker")]).await;
        assert_eq!(res.status(), 303);
        let page = w.worker.page(&app, &plan).await;
        let step = id_after(&page, "/plan/steps/");
        let edit = format!("{plan}/steps/{step}/edit");
        let res = w.worker.post(&app, &edit, &[("version", "1"), ("action", "Appeler le bailleur"), ("owner", "worker"), ("status", "done")]).await;
        assert_eq!(res.status(), 303);
        let res = w.colleague.post(&app, &format!("{plan}/goals/{goal}/steps/new"), &[("action", "Écrire au bailleur"), ("owner", "person")]).await;
        assert_eq!(res.status(), 303);
        let res = w.colleague.post(&app, &edit, &[("version", "1"), ("action", "Appeler le bailleur lundi"), ("owner", "worker"), ("status", "in_progress")]).await;
        assert_eq!(res.status(), 409);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Réalisée"), "the saved status is shown");
        assert!(html.contains(">Appeler le bailleur lundi</textarea>"));
        // English too.
        let res = w.colleague.client.post(app.url(&edit)).header("accept-language", "en")
            .form(&[("csrf_token", w.colleague.csrf.as_str()), ("version", "1"), ("action", "Appeler le bailleur lundi"), ("owner", "worker"), ("status", "in_progress")])
            .send().await.unwrap();
        assert_eq!(res.status(), 409);
        assert!(visible_text(&res.text().await.unwrap()).contains("Saved in the meantime"));
    }

    async fn who_may_not_read_the_case_gets_not_found_for_every_plan_page(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let plan = format!("/cases/{}/plan", w.case);
        let goal = add_goal(&app, &w, "Se soigner", &["health"]).await;
        let res = w.worker.post(&app, &format!("{plan}/goals/{goal}/steps/new"), &[("action", "Prendre rendez-vous"), ("owner", "person")]).await;
        assert_eq!(res.status(), 303);
        let step = id_after(&w.worker.page(&app, &plan).await, "/plan/steps/");
        let reads = [
            plan.clone(),
            format!("{plan}/goals/new"),
            format!("{plan}/goals/{goal}/edit"),
            format!("{plan}/goals/{goal}/steps/new"),
            format!("{plan}/steps/{step}/edit"),
            format!("{plan}/victories/new"),
            format!("{plan}/agreement"),
        ];
        for b in [&w.other_team, &w.manager, &w.reception] {
            for path in &reads {
                assert_eq!(b.status(&app, path).await, 404, "{path}");
            }
            let res = b.post(&app, &format!("{plan}/goals/new"), &[("person_words", "Intrus")]).await;
            assert_eq!(res.status(), 404);
            let res = b.post(&app, &format!("{plan}/victories/new"), &[("date", "2026-01-01"), ("person_words", "Intrus")]).await;
            assert_eq!(res.status(), 404);
        }
        // Nor through the overview: the panel needs the content.
        let manager_view = visible_text(&w.manager.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(!manager_view.contains("Se soigner"), "{manager_view}");
        // The team's supervisor reads the plan, changes nothing.
        assert!(visible_text(&w.supervisor.page(&app, &plan).await).contains("Se soigner"));
        assert!(!w.supervisor.page(&app, &plan).await.contains("/plan/goals/new"));
        assert_eq!(w.supervisor.status(&app, &format!("{plan}/goals/{goal}/edit")).await, 404);
        let res = w.supervisor.post(&app, &format!("{plan}/goals/new"), &[("person_words", "Non")]).await;
        assert_eq!(res.status(), 404);
        // A colleague of the team writes; a goal of the plan under another case is unknown.
        assert_eq!(w.colleague.status(&app, &format!("{plan}/goals/{goal}/edit")).await, 200);
        assert_eq!(w.colleague.status(&app, &format!("/cases/{}/plan/goals/{}/edit", w.case, domain::ids::GoalId::new())).await, 404);
        // A closed case is read, not written.
        let version = {
            let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
            store::cases::find(&app.state.db, org, w.case.parse().unwrap()).await.unwrap().unwrap().version
        };
        let res = w.worker.post(&app, &format!("/cases/{}/status", w.case), &[("version", &version.to_string()), ("status", "closed"), ("closure_reason", "moved_away")]).await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
        let page = w.worker.page(&app, &plan).await;
        assert!(visible_text(&page).contains("Se soigner") && !page.contains("/plan/goals/new"));
        for path in &reads[1..] {
            assert_eq!(w.worker.status(&app, path).await, 404, "{path}");
        }
        let res = w.worker.post(&app, &format!("{plan}/goals/new"), &[("person_words", "Après la clôture")]).await;
        assert_eq!(res.status(), 404);
    }

    async fn every_plan_event_of_the_timeline_has_its_heading_in_french_and_english(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let db = &app.state.db;
        let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
        let case: domain::CaseId = w.case.parse().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        let events = domain::plans::GOAL_EVENTS.iter().map(|d| (domain::cases::EntryKind::Goal, *d))
            .chain(domain::plans::STEP_EVENTS.iter().map(|d| (domain::cases::EntryKind::Step, *d)))
            .chain(domain::plans::VICTORY_EVENTS.iter().map(|d| (domain::cases::EntryKind::Victory, *d)))
            .chain(domain::plans::AGREEMENT_EVENTS.iter().map(|d| (domain::cases::EntryKind::Agreement, *d)));
        let mut n = 0;
        for (kind, detail) in events {
            let e = store::cases::NewEvent {
                organisation_id: org,
                case_id: case,
                kind,
                occurred_at: Ts::now(),
                author: None,
                subject_id: Some(uuid::Uuid::now_v7()),
                summary: Some("Mots de la personne"),
                detail,
            };
            store::cases::add_event(&mut tx, &e, Ts::now()).await.unwrap();
            n += 1;
        }
        tx.commit().await.unwrap();
        for lang in ["fr", "en"] {
            let html = w.worker.page_in(&app, &format!("/cases/{}?type=kind:plan", w.case), lang).await;
            let victories = w.worker.page_in(&app, &format!("/cases/{}?type=kind:victory", w.case), lang).await;
            for page in [&html, &victories] {
                let text = visible_text(page);
                assert!(!text.contains("case-event-"), "{lang}: a message is missing: {text}");
            }
            let shown = html.matches("Mots de la personne").count() + victories.matches("Mots de la personne").count();
            assert_eq!(shown, n, "{lang}");
            let links = html.matches(&format!("href=\"/cases/{}/plan\"", w.case)).count();
            assert!(links >= n - 1, "each event links to the plan ({links})");
        }
        // The messages exist in both languages for every detail.
        let i18n = &app.state.i18n;
        for (kind, details) in [("goal", &domain::plans::GOAL_EVENTS[..]), ("step", &domain::plans::STEP_EVENTS[..]), ("victory", &domain::plans::VICTORY_EVENTS[..]), ("agreement", &domain::plans::AGREEMENT_EVENTS[..])] {
            for d in details {
                let key = format!("case-event-{kind}-{d}");
                for locale in [web::i18n::Locale::Fr, web::i18n::Locale::En] {
                    assert!(i18n.keys(locale).contains(&key), "{key} in {locale:?}");
                }
            }
        }
    }
}
