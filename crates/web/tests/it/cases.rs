//! Cases on the web — on SQLite and PostgreSQL: opening from the person's page, who sees what
//! of a case (content, metadata, "followed by", not found), notes rendered safely, corrections
//! and their versions, tombstones, status changes without lost updates, drafts kept on the
//! server across sessions, and the timeline's pages and filter.

use domain::TeamId;
use domain::accounts::Role;
use domain::organisations::{DisplayName, NewTeam};
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-cases";

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
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// The team, the people, a person and a case opened by the worker.
struct World {
    worker: Browser,
    colleague: Browser,
    other_team: Browser,
    supervisor: Browser,
    manager: Browser,
    reception: Browser,
    person: String,
    case: String,
}

async fn world(app: &TestApp) -> World {
    let manager = user(app, "manager@cases.example", Role::Manager, &[]).await;
    let insertion = team(app, "Insertion").await;
    let logement = team(app, "Logement").await;
    let worker = user(app, "worker@cases.example", Role::Worker, &[(insertion, false)]).await;
    let colleague = user(app, "colleague@cases.example", Role::Worker, &[(insertion, false)]).await;
    let other_team = user(app, "other@cases.example", Role::Worker, &[(logement, false)]).await;
    let supervisor =
        user(app, "supervisor@cases.example", Role::Supervisor, &[(insertion, true)]).await;
    let reception = user(app, "reception@cases.example", Role::Reception, &[]).await;
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
    // The form proposes the worker's team and the worker as referent.
    let form = worker.page(app, &format!("/persons/{person}/cases/new")).await;
    let worker_id = store::accounts::find_user_by_email(&app.state.db, "worker@cases.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    assert!(form.contains(&format!("<option value=\"{insertion}\" selected>")), "team proposed");
    assert!(
        form.contains(&format!("<option value=\"{worker_id}\" selected>")),
        "referent proposed"
    );
    let res = worker
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[
                ("reason", "Dettes de loyer, risque d'expulsion"),
                ("orientation_source", "social_landlord"),
                ("team", &insertion.to_string()),
                ("referent", &worker_id),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let case = location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned();
    World { worker, colleague, other_team, supervisor, manager, reception, person, case }
}

async fn note(app: &TestApp, b: &Browser, case: &str, kind: &str, level: &str, body: &str) {
    let res = b
        .post(
            app,
            &format!("/cases/{case}/notes/new"),
            &[
                ("date", "2026-01-15"),
                ("time", "10:30"),
                ("duration", "45"),
                ("place", "Domicile"),
                ("participants", "Mme Dupont, sa fille"),
                ("note_type", kind),
                ("confidentiality", level),
                ("body", body),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", visible_text(&res.text().await.unwrap()));
}

async fn set_emergency_expiry(app: &TestApp, when: Ts) {
    let sql = "UPDATE case_emergency_access SET expires_at = $1";
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query(sql).bind(when).execute(p).await.map(drop),
        store::Db::Postgres(p) => sqlx::query(sql).bind(when).execute(p).await.map(drop),
    }
    .unwrap();
}

async fn emergency_events(app: &TestApp, case: &str) -> Vec<store::audit::AuditEvent> {
    let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
    let filter = store::audit::AuditFilter {
        subject_id: Some(case.parse().unwrap()),
        action: Some(domain::audit::AuditAction::BreakTheGlass),
        ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
    };
    store::audit::search(&app.state.db, &filter, None, 100).await.unwrap().events
}

async fn emergency_notifications(app: &TestApp, email: &str) -> usize {
    let db = &app.state.db;
    let user = store::accounts::find_user_by_email(db, email).await.unwrap().unwrap().id;
    store::notifications::latest(db, user, 100)
        .await
        .unwrap()
        .iter()
        .filter(|n| n.kind == "case_emergency_access")
        .count()
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
    async fn each_role_sees_of_a_case_what_the_policy_allows(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case_path = format!("/cases/{}", w.case);
        note(&app, &w.worker, &w.case, "home_visit", "normal", "Visite : **loyer** en retard").await;
        note(&app, &w.worker, &w.case, "phone", "referents", "Violences évoquées au téléphone").await;
        note(&app, &w.worker, &w.case, "phone", "author", "Mon impression personnelle").await;

        let mine = visible_text(&w.worker.page(&app, &case_path).await);
        for text in ["loyer", "Violences évoquées", "Mon impression", "Dettes de loyer", "Bailleur social", "Insertion", "Accompagnement ouvert"] {
            assert!(mine.contains(text), "{text} in {mine}");
        }
        // A colleague of the team: normal notes only.
        let colleague = visible_text(&w.colleague.page(&app, &case_path).await);
        assert!(colleague.contains("loyer"));
        assert!(!colleague.contains("Violences") && !colleague.contains("impression"), "{colleague}");
        // The team's supervisor reads, but writes nothing.
        let sup = w.supervisor.page(&app, &case_path).await;
        assert!(visible_text(&sup).contains("loyer") && !visible_text(&sup).contains("Violences"));
        assert!(!sup.contains("/notes/new"));
        assert_eq!(w.supervisor.get(&app, &format!("{case_path}/notes/new")).await.status(), 404);
        // The manager: status and assignment, no note.
        let mgr = visible_text(&w.manager.page(&app, &case_path).await);
        assert!(mgr.contains("Insertion") && !mgr.contains("en retard") && !mgr.contains("Violences"), "{mgr}");
        // Reception and a worker of another team: not found, as an unknown case.
        for b in [&w.reception, &w.other_team] {
            assert_eq!(b.get(&app, &case_path).await.status(), 404);
        }
        let unknown = format!("/cases/{}", domain::CaseId::new());
        assert_eq!(w.worker.get(&app, &unknown).await.status(), 404);
        // Both see on the person's page that she is followed, and by whom, without a link to
        // the case; the worker of another team may ask for emergency access, reception not.
        for b in [&w.reception, &w.other_team] {
            let html = b.page(&app, &format!("/persons/{}", w.person)).await;
            let text = visible_text(&html);
            assert!(text.contains("Suivie par Test User (Insertion)"), "{text}");
            assert!(!html.contains(&format!("href=\"{case_path}\"")));
        }
        let emergency = format!("href=\"{case_path}/emergency\"");
        assert!(w.other_team.page(&app, &format!("/persons/{}", w.person)).await.contains(&emergency));
        assert!(!w.reception.page(&app, &format!("/persons/{}", w.person)).await.contains(&emergency));
        let html = w.worker.page(&app, &format!("/persons/{}", w.person)).await;
        assert!(html.contains(&format!("href=\"{case_path}\"")));
        // The referent sees who opened the person's file; a colleague of the team does not.
        assert!(visible_text(&html).contains("Qui a ouvert ce dossier"));
        let colleague = w.colleague.page(&app, &format!("/persons/{}", w.person)).await;
        assert!(!visible_text(&colleague).contains("Qui a ouvert ce dossier"));
        // Every read of the case page was audited: worker, colleague, supervisor, manager.
        assert_eq!(audit_reads(&app, &w.case).await, 4);
    }

    async fn notes_render_safely_and_corrections_keep_their_versions(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case_path = format!("/cases/{}", w.case);
        let body = "<script>alert('x')</script> **Dette** de *1 200 €*\n\n- appeler la CAF\n- voir le bailleur";
        note(&app, &w.worker, &w.case, "home_visit", "normal", body).await;
        let html = w.worker.page(&app, &case_path).await;
        assert!(!html.contains("<script>alert"), "a script in a note is never markup");
        assert!(html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;"), "the script is shown as text");
        assert!(html.contains("<strong>Dette</strong>") && html.contains("<em>1 200 €</em>"));
        assert!(html.contains("<li>appeler la CAF</li>"));
        assert!(visible_text(&html).contains("45 minutes"));
        // The correction, by the author; the colleague may neither correct nor see versions.
        let entry = {
            let at = html.find("/edit\"").expect("a link to correct the note");
            html[at - 36..at].to_owned()
        };
        let edit = format!("{case_path}/notes/{entry}/edit");
        let form = w.worker.page(&app, &edit).await;
        assert!(form.contains("Dette"), "the form holds the note");
        assert_eq!(w.colleague.get(&app, &edit).await.status(), 404);
        let fields = [
            ("version", "1"), ("date", "2026-01-15"), ("time", "10:30"), ("note_type", "home_visit"),
            ("confidentiality", "normal"), ("body", "Dette de 1 100 € après vérification"),
        ];
        let res = w.worker.post(&app, &edit, &fields).await;
        assert_eq!(res.status(), 303);
        // The same form sent again is stale: a conflict, the note unchanged, the text kept.
        let mut stale = fields.to_vec();
        stale[5] = ("body", "Écrasement");
        let res = w.worker.post(&app, &edit, &stale).await;
        assert_eq!(res.status(), 409);
        let conflict = res.text().await.unwrap();
        assert!(conflict.contains("Dette de 1 100 €") , "the stored text is shown");
        let html = w.worker.page(&app, &case_path).await;
        assert!(visible_text(&html).contains("Dette de 1 100 €"));
        let versions = format!("{case_path}/notes/{entry}/versions");
        assert!(html.contains(&versions));
        let page = visible_text(&w.worker.page(&app, &versions).await);
        assert!(page.contains("Dette de 1 100 €") && page.contains("Dette de 1 200 €"), "{page}");
        assert!(visible_text(&w.supervisor.page(&app, &versions).await).contains("1 200 €"));
        assert_eq!(w.colleague.get(&app, &versions).await.status(), 404);
        // Deletion needs a reason and leaves a tombstone.
        let delete = format!("{case_path}/notes/{entry}/delete");
        let res = w.worker.post(&app, &delete, &[("version", "2"), ("reason", " ")]).await;
        assert_eq!(res.status(), 422);
        let res = w.worker.post(&app, &delete, &[("version", "2"), ("reason", "Écrite dans le mauvais dossier")]).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&w.colleague.page(&app, &case_path).await);
        assert!(text.contains("Écrite dans le mauvais dossier") && !text.contains("1 100 €"), "{text}");
        assert_eq!(w.worker.get(&app, &versions).await.status(), 404, "versions go with the text");
    }

    async fn a_note_form_keeps_what_was_typed_and_its_draft_outlives_the_session(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let new = format!("/cases/{}/notes/new", w.case);
        // Refused: every problem named, what was typed kept.
        let res = w.worker.post(&app, &new, &[("date", "2026-01-15"), ("time", "25:00"), ("note_type", ""), ("confidentiality", "normal"), ("body", "Texte à garder")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("Texte à garder") && html.contains("href=\"#time\"") && html.contains("href=\"#note_type\""));
        let res = w.worker.post(&app, &new, &[("date", "2999-01-01"), ("time", "10:00"), ("note_type", "phone"), ("confidentiality", "normal"), ("body", "x")]).await;
        assert_eq!(res.status(), 422, "a note in the future");

        // The draft, sent as htmx does (token in a header), answers a status line.
        let draft = format!("/cases/{}/notes/draft", w.case);
        let res = w.worker.client.post(app.url(&draft)).header("x-csrf-token", &w.worker.csrf)
            .form(&[("date", "2026-01-16"), ("time", "09:00"), ("note_type", "home_visit"), ("confidentiality", "referents"), ("body", "Visite : la fille est revenue vivre chez sa mère")])
            .send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("Brouillon enregistré"));
        // Without the token, nothing is kept.
        let res = w.worker.client.post(app.url(&draft)).form(&[("body", "sans jeton")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        // A colleague has no draft of it; a supervisor may not keep one.
        assert!(!w.colleague.page(&app, &new).await.contains("la fille est revenue"));
        let res = w.supervisor.client.post(app.url(&draft)).header("x-csrf-token", &w.supervisor.csrf).form(&[("body", "x")]).send().await.unwrap();
        assert_eq!(res.status(), 404);

        // The session ends (every session row gone, as after the idle timeout); signed in again
        // in another browser, the draft is on the home page and back in the form.
        let db = &app.state.db;
        store::sessions::delete_all_of_user(db, store::accounts::find_user_by_email(db, "worker@cases.example").await.unwrap().unwrap().id).await.unwrap();
        assert_eq!(w.worker.get(&app, &new).await.status(), 303, "the old session is gone");
        let again = sign_in(&app, "worker@cases.example").await;
        let home = again.page(&app, "/").await;
        assert!(visible_text(&home).contains("Brouillons non terminés"), "{}", visible_text(&home));
        assert!(home.contains(&format!("href=\"{new}\"")));
        let form = again.page(&app, &new).await;
        assert!(form.contains("Visite : la fille est revenue vivre chez sa mère"));
        assert!(visible_text(&form).contains("Brouillon restauré"));
        assert!(form.contains("value=\"referents\" checked"));
        assert!(form.contains("hx-post=\"/cases/") && form.contains("hx-trigger=\"input changed delay:1s\""));
        // Saving the note forgets the draft.
        note(&app, &again, &w.case, "home_visit", "referents", "Visite : la fille est revenue vivre chez sa mère").await;
        assert!(!again.page(&app, &new).await.contains("la fille est revenue"));
        assert!(!visible_text(&again.page(&app, "/").await).contains("Brouillons non terminés"));
    }

    async fn status_changes_need_a_reason_to_close_and_never_overwrite(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let status = format!("/cases/{}/status", w.case);
        let res = w.worker.post(&app, &status, &[("version", "1"), ("status", "closed"), ("closure_reason", "")]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("href=\"#closure_reason\""));
        // The manager pauses it; the worker's form, still at version 1, is stale.
        let res = w.manager.post(&app, &status, &[("version", "1"), ("status", "paused")]).await;
        assert_eq!(res.status(), 303);
        let res = w.worker.post(&app, &status, &[("version", "1"), ("status", "closed"), ("closure_reason", "moved_away")]).await;
        assert_eq!(res.status(), 409);
        assert!(visible_text(&res.text().await.unwrap()).contains("Rien n'a été changé"));
        let res = w.worker.post(&app, &status, &[("version", "2"), ("status", "closed"), ("closure_reason", "moved_away")]).await;
        assert_eq!(res.status(), 303);
        let text = visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await);
        assert!(text.contains("Accompagnement clos : Déménagement hors territoire"), "{text}");
        assert!(text.contains("Accompagnement suspendu") && text.contains("Accompagnement ouvert"));
        // Closed: no new note until it is reopened; reception sees no "followed by" any more.
        assert_eq!(w.worker.get(&app, &format!("/cases/{}/notes/new", w.case)).await.status(), 404);
        assert!(!visible_text(&w.reception.page(&app, &format!("/persons/{}", w.person)).await).contains("Suivie par"));
        let res = w.worker.post(&app, &status, &[("version", "3"), ("status", "open")]).await;
        assert_eq!(res.status(), 303);
        assert!(visible_text(&w.worker.page(&app, &format!("/cases/{}", w.case)).await).contains("Accompagnement rouvert"));
        // Supervisors and others change nothing.
        assert_eq!(w.supervisor.post(&app, &status, &[("version", "4"), ("status", "paused")]).await.status(), 404);
        assert_eq!(w.other_team.post(&app, &status, &[("version", "4"), ("status", "paused")]).await.status(), 404);
    }

    async fn the_timeline_pages_and_filters_in_both_languages(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let author = store::accounts::find_user_by_email(&app.state.db, "worker@cases.example").await.unwrap().unwrap().id;
        let case: domain::CaseId = w.case.parse().unwrap();
        let mut tx = app.state.db.begin_write().await.unwrap();
        for i in 0..30i64 {
            let n = store::cases::NoteRecord {
                occurred_at: Ts::from(time::macros::datetime!(2025-06-01 10:00 UTC) + time::Duration::days(i)),
                duration_minutes: None, place: None, participants: None,
                note_type: if i % 2 == 0 { "phone".into() } else { "email".into() },
                confidentiality: domain::cases::Confidentiality::Normal,
                body: format!("Note numéro {i:02}"),
            };
            store::cases::add_note(&mut tx, org, case, &n, author, Ts::now()).await.unwrap();
        }
        tx.commit().await.unwrap();
        let first = w.worker.page(&app, &format!("/cases/{}", w.case)).await;
        let text = visible_text(&first);
        // Newest first: the opening (today), then notes 29, 28…; 20 entries on the page.
        assert!(text.contains("Note numéro 29") && !text.contains("Note numéro 10"), "{text}");
        assert_eq!(first.matches("class=\"entry ").count(), 20);
        assert!(first.contains("rel=\"next\""));
        let href = {
            let i = first.find("?before=").unwrap();
            let start = first[..i].rfind('"').unwrap() + 1;
            let end = i + first[i..].find('"').unwrap();
            first[start..end].replace("&amp;", "&")
        };
        let second = visible_text(&w.worker.page(&app, &href).await);
        assert!(second.contains("Note numéro 10") && second.contains("Note numéro 00") && !second.contains("Note numéro 11"), "{second}");
        // The filter: e-mails only, status changes left out.
        let emails = visible_text(&w.worker.page(&app, &format!("/cases/{}?type=email", w.case)).await);
        assert!(emails.contains("Note numéro 29") && !emails.contains("Note numéro 28") && !emails.contains("Accompagnement ouvert"));
        // The last contacts panel: the five latest notes.
        assert!(visible_text(&first).contains("Derniers contacts"));
        // In English, every label from the message files.
        let en = w.worker.client.get(app.url(&format!("/cases/{}", w.case))).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
        let en = visible_text(&en);
        assert!(en.contains("Timeline") && en.contains("Last contacts") && en.contains("Referred by") && en.contains("Social landlord"), "{en}");
    }

    async fn break_the_glass_reads_a_case_for_a_day_with_a_reason(db) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let case_path = format!("/cases/{}", w.case);
        let glass = format!("{case_path}/emergency");
        note(&app, &w.worker, &w.case, "home_visit", "normal", "Visite : **loyer** en retard").await;
        note(&app, &w.worker, &w.case, "phone", "referents", "Violences évoquées au téléphone").await;
        assert_eq!(w.other_team.get(&app, &case_path).await.status(), 404);
        // Reception, and those who read the case already, may not break the glass.
        for b in [&w.reception, &w.worker, &w.colleague, &w.supervisor, &w.manager] {
            assert_eq!(b.get(&app, &glass).await.status(), 404);
            let res = b.post(&app, &glass, &[("reason", "Appel du 115 : mise à l'abri ce soir")]).await;
            assert_eq!(res.status(), 404);
        }
        // The form; an empty or short reason is refused, the text kept, nothing written.
        let form = visible_text(&w.other_team.page(&app, &glass).await);
        assert!(form.contains("Motif de l'accès d'urgence") && form.contains("Suivie par Test User"), "{form}");
        let res = w.other_team.post(&app, &glass, &[("reason", "   ")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Indiquez le motif"));
        let res = w.other_team.post(&app, &glass, &[("reason", "  Urgent  ")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("  Urgent  </textarea>") && visible_text(&html).contains("au moins 10 caractères"), "{html}");
        let en = w.other_team.client.post(app.url(&glass)).header("accept-language", "en")
            .form(&[("csrf_token", w.other_team.csrf.as_str()), ("reason", "Urgent")]).send().await.unwrap();
        assert_eq!(en.status(), 422);
        assert!(visible_text(&en.text().await.unwrap()).contains("at least 10 characters"));
        let res = w.other_team.post(&app, &glass, &[("reason", &"x".repeat(501))]).await;
        assert_eq!(res.status(), 422);
        assert!(emergency_events(&app, &w.case).await.is_empty());
        assert_eq!(emergency_notifications(&app, "worker@cases.example").await, 0);
        assert_eq!(w.other_team.get(&app, &case_path).await.status(), 404);

        // With a reason: the case, normal notes only, read-only, under a banner.
        let reason = "Appel du 115 : Mme Dupont à la rue ce soir";
        let res = w.other_team.post(&app, &glass, &[("reason", &format!("  {reason} "))]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), case_path);
        let html = w.other_team.page(&app, &case_path).await;
        let text = visible_text(&html);
        assert!(text.contains("loyer") && !text.contains("Violences"), "{text}");
        assert!(text.contains("Accès d'urgence jusqu'au") && text.contains(&format!("motivé : {reason}")), "{text}");
        assert!(!html.contains("/notes/new") && !html.contains("/edit\""));
        assert_eq!(w.other_team.get(&app, &format!("{case_path}/notes/new")).await.status(), 404);
        let res = w.other_team.post(&app, &format!("{case_path}/status"), &[("version", "1"), ("status", "paused")]).await;
        assert_eq!(res.status(), 404);
        // The form again sends back to the case.
        assert_eq!(w.other_team.get(&app, &glass).await.status(), 303);
        // The audit event holds the reason; the read was audited; the referent is told.
        let events = emergency_events(&app, &w.case).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].reason.as_deref(), Some(reason));
        assert_eq!(audit_reads(&app, &w.case).await, 1);
        assert_eq!(emergency_notifications(&app, "worker@cases.example").await, 1);
        assert_eq!(emergency_notifications(&app, "colleague@cases.example").await, 0);
        let bell = visible_text(&w.worker.page(&app, "/notifications").await);
        assert!(bell.contains("a ouvert en urgence un accompagnement que vous suivez"), "{bell}");
        // In English.
        let en = w.other_team.client.get(app.url(&case_path)).header("accept-language", "en").send().await.unwrap();
        assert!(visible_text(&en.text().await.unwrap()).contains("Emergency access until"));

        // Once expired, the access is gone.
        set_emergency_expiry(&app, Ts::from(Ts::now().get() - time::Duration::minutes(1))).await;
        assert_eq!(w.other_team.get(&app, &case_path).await.status(), 404);
        assert_eq!(w.other_team.get(&app, &glass).await.status(), 200);
    }
}
