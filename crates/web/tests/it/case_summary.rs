//! The case summary PDF — on SQLite and PostgreSQL: only readers of the content make one (a
//! worker of another team, a manager, reception, an emergency grant: not found), the export is
//! audited with the sections and never text, the PDF holds the chosen sections and not the
//! others (read back with pdftotext), "referents only" and "author only" notes never appear,
//! and a form without a choice is refused with what was ticked kept.

use domain::TeamId;
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewTeam};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-summary";

struct Browser {
    client: reqwest::Client,
    csrf: String,
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

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

struct World {
    worker: Browser,
    supervisor: Browser,
    other_team: Browser,
    manager: Browser,
    reception: Browser,
    case: String,
}

/// A person followed by the worker's team, with notes at every level and an urgency flag.
async fn world(app: &TestApp) -> World {
    let manager = user(app, "manager@summary.example", Role::Manager, &[]).await;
    let insertion = team(app, "Insertion").await;
    let logement = team(app, "Logement").await;
    let worker = user(app, "worker@summary.example", Role::Worker, &[(insertion, false)]).await;
    let supervisor =
        user(app, "supervisor@summary.example", Role::Supervisor, &[(insertion, true)]).await;
    let other_team = user(app, "other@summary.example", Role::Worker, &[(logement, false)]).await;
    let reception = user(app, "reception@summary.example", Role::Reception, &[]).await;
    let res = worker
        .post(
            app,
            "/persons/new",
            &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("birth_date", "12/03/1985")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let worker_id = store::accounts::find_user_by_email(&app.state.db, "worker@summary.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = worker
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[
                ("reason", "Dettes de loyer, risque d'expulsion"),
                ("orientation_source", "social_landlord"),
                ("team", &insertion.to_string()),
                ("referent", &worker_id.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let case = location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned();
    for (level, body) in [
        ("normal", "Visite : **loyer** en retard de #3 mois $ [voir] <script>"),
        ("referents", "Violences évoquées au téléphone"),
        ("author", "Mon impression personnelle"),
    ] {
        let res = worker
            .post(
                app,
                &format!("/cases/{case}/notes/new"),
                &[
                    ("date", "2026-01-15"),
                    ("time", "10:30"),
                    ("duration", "45"),
                    ("place", "Domicile"),
                    ("note_type", "home_visit"),
                    ("confidentiality", level),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
    }
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    store::intake::raise_flag(
        &app.state.db,
        org,
        person.parse().unwrap(),
        "imminent_eviction",
        Some("Commandement de quitter les lieux"),
        None,
        Some(worker_id),
        Ts::now(),
    )
    .await
    .unwrap();
    World { worker, supervisor, other_team, manager, reception, case }
}

/// The text of a PDF, through poppler's pdftotext (scripts/install-deps.sh installs it).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let path =
        std::env::temp_dir().join(format!("passerelle-summary-{}.pdf", uuid::Uuid::now_v7()));
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

async fn exports(app: &TestApp, case: &str) -> Vec<store::audit::AuditEvent> {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(AuditAction::CaseExported),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events
}

async fn pdf(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // To look at the summaries the tests make: PASSERELLE_KEEP_PDF=/some/folder.
    if let Some(dir) = std::env::var_os("PASSERELLE_KEEP_PDF") {
        let name = format!("summary-{}.pdf", uuid::Uuid::now_v7());
        std::fs::write(std::path::Path::new(&dir).join(name), &bytes).unwrap();
    }
    pdf_text(&bytes)
}

engine_tests! {
    async fn only_readers_of_the_content_make_a_summary(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/cases/{}/summary", w.case);
        let fields = [("sections", "identity"), ("purpose", "meeting"), ("language", "fr")];
        // The worker of the team and its supervisor: the form, and the link on the case page.
        for b in [&w.worker, &w.supervisor] {
            let res = b.get(&app, &path).await;
            assert_eq!(res.status(), 200);
            let html = res.text().await.unwrap();
            assert!(html.contains("name=\"csrf_token\"") && html.contains("id=\"section-contacts\""));
            let case_page = b.get(&app, &format!("/cases/{}", w.case)).await.text().await.unwrap();
            assert!(case_page.contains(&format!("href=\"{path}\"")));
        }
        // Another team's worker, a manager without the team, reception, an unknown case: not found.
        for b in [&w.other_team, &w.manager, &w.reception] {
            assert_eq!(b.get(&app, &path).await.status(), 404);
            assert_eq!(b.post(&app, &path, &fields).await.status(), 404);
        }
        let manager_page = w.manager.get(&app, &format!("/cases/{}", w.case)).await.text().await.unwrap();
        assert!(!manager_page.contains(&format!("href=\"{path}\"")), "no link for the manager");
        let unknown = format!("/cases/{}/summary", domain::CaseId::new());
        assert_eq!(w.worker.get(&app, &unknown).await.status(), 404);
        assert_eq!(w.worker.post(&app, &unknown, &fields).await.status(), 404);
        // Without the anti-forgery token: refused.
        let res = w.worker.client.post(app.url(&path)).form(&fields).send().await.unwrap();
        assert_eq!(res.status(), 403);
        // Breaking the glass reads the case; it makes no summary.
        let res = w.other_team.post(&app, &format!("/cases/{}/emergency", w.case), &[("reason", "Hospitalisation en urgence cette nuit")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(w.other_team.get(&app, &format!("/cases/{}", w.case)).await.status(), 200);
        assert_eq!(w.other_team.get(&app, &path).await.status(), 404);
        assert_eq!(w.other_team.post(&app, &path, &fields).await.status(), 404);
        assert!(exports(&app, &w.case).await.is_empty(), "nothing was exported");
    }

    async fn the_pdf_holds_the_chosen_sections_and_no_restricted_note(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/cases/{}/summary", w.case);
        // Nothing chosen: refused, each problem linked, what was ticked kept.
        let res = w.worker.post(&app, &path, &[("sections", "contacts")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("href=\"#purpose\"") && !html.contains("href=\"#sections\""));
        assert!(html.contains("value=\"contacts\" checked"), "the ticked box stays ticked");
        assert!(html.contains("aria-describedby=\"purpose-error\""));
        let res = w.worker.post(&app, &path, &[("purpose", "transfer"), ("language", "en")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Choisissez au moins une partie."));
        assert!(html.contains("value=\"transfer\" checked") && html.contains("value=\"en\" checked"));
        assert!(exports(&app, &w.case).await.is_empty());

        // Identity and last contacts, in French, by the author of every note.
        let res = w.worker.post(&app, &path, &[
            ("sections", "identity"), ("sections", "contacts"), ("purpose", "meeting"), ("language", "fr"),
        ]).await;
        let text = pdf(res).await;
        for expected in [
            "Confidentiel — secret professionnel",
            "Synthèse de l'accompagnement",
            "Dupont Hélène — Réunion de synthèse",
            "Identité et foyer",
            "12/03/1985",
            "Derniers contacts",
            "loyer en retard de #3 mois $ [voir] <script>",
            "45 minutes",
            "Page 1 sur 1",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        for absent in [
            "Violences", "impression", // referents-only and author-only notes, even the author's own
            "Motif et référents", "Dettes de loyer", // the reason: not chosen
            "Signalements d'urgence", "Expulsion imminente", // the flags: not chosen
        ] {
            assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
        }
        let events = exports(&app, &w.case).await;
        assert_eq!(events.len(), 1);
        let details = events[0].details.clone().unwrap_or_default().to_string();
        assert!(details.contains("\"sections\":\"identity,contacts\""), "{details}");
        assert!(details.contains("\"purpose\":\"meeting\"") && details.contains("\"language\":\"fr\""));
        assert!(!details.contains("loyer") && !details.contains("Dupont"), "no text in the audit: {details}");

        // The reason and the flags, in English, by the supervisor (who reads no referents-only note
        // either way).
        let res = w.supervisor.post(&app, &path, &[
            ("sections", "flags"), ("sections", "reason"), ("purpose", "transfer"), ("language", "en"),
        ]).await;
        let text = pdf(res).await;
        for expected in [
            "Confidential — professional secrecy",
            "Case summary",
            "Handover (transfer)",
            "Reason and referents",
            "Dettes de loyer, risque d'expulsion",
            "Insertion",
            "Urgency flags",
            "Imminent eviction",
            "Page 1 of 1",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        for absent in ["Last contacts", "loyer en retard", "12/03/1985", "Violences", "impression"] {
            assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
        }
        // The PDF's order, whatever the form's.
        assert!(text.find("Reason and referents").unwrap() < text.find("Urgency flags").unwrap());
        let events = exports(&app, &w.case).await;
        assert_eq!(events.len(), 2);
        assert!(events.iter().any(|e| e.details.clone().unwrap_or_default().to_string().contains("\"sections\":\"reason,flags\"")));
    }
}

/// An assessment and a plan for the case, written as their pages do (through the store).
async fn assessment_and_plan(app: &TestApp, case: &str) {
    let db = &app.state.db;
    let org = store::organisations::find_by_slug(db, ORG).await.unwrap().unwrap().id;
    let by = store::accounts::find_user_by_email(db, "worker@summary.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let case: domain::CaseId = case.parse().unwrap();
    let content = domain::assessments::AssessmentContent {
        assessed_on: time::macros::date!(2026 - 01 - 20),
        ratings: vec![domain::assessments::Rating {
            domain: "housing".into(),
            need: Some(3),
            person: Some(2),
            person_words: Some("Je veux un logement à moi".into()),
            strengths: Some("Soutien de sa sœur".into()),
            priority: true,
        }],
    };
    let mut tx = db.begin_write().await.unwrap();
    let new = store::assessments::NewAssessment {
        id: domain::assessments::AssessmentId::new(),
        organisation_id: org,
        case_id: case,
        content: &content,
        by,
    };
    store::assessments::record(&mut tx, &new, Ts::now()).await.unwrap();
    let goal = domain::plans::Goal {
        person_words: "Trouver un logement stable".into(),
        worker_words: Some("Accès au logement social".into()),
        domains: vec!["housing".into()],
        status: domain::plans::GoalStatus::Active,
    };
    let goal_id =
        store::plans::create_goal(&mut tx, org, case, &goal, by, Ts::now()).await.unwrap();
    let step = domain::plans::Step {
        action: "Déposer une demande de logement social".into(),
        owner: domain::plans::StepOwner::Person,
        partner_name: None,
        due_on: Some(time::macros::date!(2026 - 02 - 15)),
        status: domain::plans::StepStatus::Done,
    };
    store::plans::add_step(&mut tx, org, case, goal_id, &step, by, Ts::now())
        .await
        .unwrap()
        .unwrap();
    let victory = domain::plans::Victory {
        occurred_on: time::macros::date!(2026 - 02 - 01),
        person_words: "A ouvert un compte bancaire".into(),
        goal: Some(goal_id),
    };
    store::plans::add_victory(&mut tx, org, case, &victory, by, Ts::now()).await.unwrap();
    let agreement = domain::plans::Agreement {
        agreed_on: time::macros::date!(2026 - 01 - 25),
        method: domain::plans::AgreementMethod::Oral,
    };
    store::plans::record_agreement(&mut tx, org, case, &agreement, by, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
}

engine_tests! {
    async fn the_assessment_and_the_plan_print_when_chosen(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let path = format!("/cases/{}/summary", w.case);
        // Before any is recorded, the sections say so.
        let res = w.worker.post(&app, &path, &[
            ("sections", "assessment"), ("sections", "plan"), ("purpose", "meeting"), ("language", "fr"),
        ]).await;
        let text = pdf(res).await;
        for expected in ["Dernier diagnostic", "Aucun diagnostic enregistré.", "Plan d'action et victoires", "Aucun objectif enregistré.", "Aucune victoire enregistrée."] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        assessment_and_plan(&app, &w.case).await;
        // The form ticks them to begin with.
        let form = w.worker.get(&app, &path).await.text().await.unwrap();
        assert!(form.contains("value=\"assessment\" checked") && form.contains("value=\"plan\" checked"));
        assert!(!form.contains("value=\"contacts\" checked"));
        let res = w.worker.post(&app, &path, &[
            ("sections", "plan"), ("sections", "assessment"), ("purpose", "meeting"), ("language", "fr"),
        ]).await;
        let text = pdf(res).await;
        for expected in [
            "Diagnostic du 20/01/2026, par Test User",
            "Logement", "3/4", "2/4", "Oui",
            "Je veux un logement à moi", "Soutien de sa sœur",
            "Plan validé par la personne le 25/01/2026 (accord oral)",
            "Trouver un logement stable", "Accès au logement social",
            "Déposer une demande de logement social", "La personne", "15/02/2026", "Faite",
            "Victoires", "01/02/2026", "A ouvert un compte bancaire",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        assert!(text.find("Dernier diagnostic").unwrap() < text.find("Plan d'action").unwrap());
        for absent in ["Identité et foyer", "Derniers contacts", "loyer en retard"] {
            assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
        }
        // In English; and without those sections, none of it.
        let res = w.supervisor.post(&app, &path, &[("sections", "plan"), ("purpose", "other"), ("language", "en")]).await;
        let text = pdf(res).await;
        for expected in ["Action plan and victories", "Plan agreed by the person on 25/01/2026 (oral agreement)", "The person", "Done", "Victories"] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        let res = w.worker.post(&app, &path, &[("sections", "identity"), ("purpose", "other"), ("language", "fr")]).await;
        let text = pdf(res).await;
        for absent in ["Trouver un logement", "Je veux un logement", "compte bancaire", "Diagnostic du"] {
            assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
        }
        let events = exports(&app, &w.case).await;
        assert_eq!(events.len(), 4);
        assert!(events.iter().any(|e| e.details.clone().unwrap_or_default().contains("\"sections\":\"assessment,plan\"")));
    }
}
