//! The administration of an organisation by its manager — members (invitations, roles, teams,
//! disabling, second factor reset) and teams — each on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewTeam};
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use store::audit::{AuditEvent, AuditFilter, AuditScope};
use store::{Ts, accounts, organisations, second_factor, teams};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "pont-levis tranquille 47 hérons";

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    organisations::find_by_slug(&app.state.db, slug).await.unwrap().expect("the organisation").id
}

async fn create_team(app: &TestApp, slug: &str, name: &str) -> TeamId {
    let new = NewTeam {
        id: TeamId::new(),
        organisation_id: org_id(app, slug).await,
        name: DisplayName::parse(name).unwrap(),
    };
    teams::insert(&app.state.db, &new, Ts::now()).await.unwrap().id
}

async fn membership(app: &TestApp, slug: &str, user: UserId) -> accounts::Member {
    let org = org_id(app, slug).await;
    accounts::find_member_by_user(&app.state.db, org, user).await.unwrap().expect("a member")
}

/// Posts a form as the signed-in `client`, with the anti-forgery token of its session.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let token = csrf_in(&html).expect("a signed-in page carries the token");
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// The session cookie a response sets, as `name=value`.
fn session_set(res: &reqwest::Response) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.starts_with("passerelle_session=").then(|| c.split(';').next().unwrap().to_owned())
    })
}

async fn text(res: reqwest::Response) -> String {
    visible_text(&res.text().await.unwrap())
}

async fn events(app: &TestApp) -> Vec<AuditEvent> {
    let filter = AuditFilter::new(AuditScope::Everything);
    store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events
}

async fn events_of(app: &TestApp, action: AuditAction) -> Vec<AuditEvent> {
    events(app).await.into_iter().filter(|e| e.action() == Ok(action)).collect()
}

async fn assert_chain_intact(app: &TestApp) {
    let report = store::audit::verify(&app.state.db).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
}

fn details(event: &AuditEvent) -> serde_json::Value {
    serde_json::from_str(event.details.as_deref().unwrap_or("{}")).unwrap()
}

/// The one-time link on the invitation's result page, as a path.
fn link_path(html: &str) -> String {
    let at = html.find("/account/password/").expect("a one-time link is shown");
    html[at..at + "/account/password/".len() + 64].to_owned()
}

/// Opens an invitation's link in a new browser and chooses `password` with it; returns the
/// status of the POST.
async fn choose_password_with(app: &TestApp, link: &str, password: &str) -> u16 {
    let browser = TestApp::new_client();
    let form = browser.get(app.url(link)).send().await.unwrap();
    assert_eq!(form.status(), 200, "the link opens the password form");
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    browser
        .post(app.url(link))
        .form(&[("csrf_token", csrf.as_str()), ("password", password), ("confirm", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The answer page of an invitation as a person reads it, with the address and the link's
/// secret blanked out, to compare answers.
fn invitation_answer(html: &str, email: &str) -> String {
    let link = link_path(html);
    visible_text(html).replace(email, "EMAIL").replace(&link, "/account/password/LINK")
}

/// The events of one organisation's chain.
async fn chain_events(app: &TestApp, org: OrganisationId) -> Vec<AuditEvent> {
    let filter = AuditFilter::new(AuditScope::Organisation(org));
    store::audit::search(&app.state.db, &filter, None, 1000).await.unwrap().events
}

/// A manager of `ccas-a` (signed in on `app.client`) and the organisation's two teams.
async fn manager_app(db: testkit::TestDb) -> (TestApp, UserId, TeamId, TeamId) {
    let app = TestApp::spawn(db).await;
    let manager =
        app.create_user("claire@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
    let accueil = create_team(&app, "ccas-a", "Accueil").await;
    let insertion = create_team(&app, "ccas-a", "Pôle insertion").await;
    app.sign_in("claire@x.example", PASSWORD).await;
    (app, manager, accueil, insertion)
}

/// Every route of the administration, with real ids put in the paths.
fn admin_routes(membership: MembershipId, team: TeamId) -> Vec<(reqwest::Method, String)> {
    web::admin::router()
        .rules()
        .iter()
        .map(|r| {
            let path = r
                .path
                .replace("{membership_id}", &membership.to_string())
                .replace("{team_id}", &team.to_string())
                .replace("{list}", "housing_situation");
            let method = if r.method == axum::http::Method::GET {
                reqwest::Method::GET
            } else {
                reqwest::Method::POST
            };
            (method, path)
        })
        .collect()
}

/// Fields that would change something on every admin POST route, were it allowed.
const EVERY_FIELD: &[(&str, &str)] = &[
    ("email", "intruder@x.example"),
    ("name", "Renamed"),
    ("role", "manager"),
    ("reason", "because"),
    ("version", "1"),
];

engine_tests! {
    async fn an_invited_person_sets_a_password_with_the_link_shown_and_signs_in_with_the_role_and_teams_given(db) {
        let (app, manager, accueil, _) = manager_app(db).await;
        let form = app.get("/admin/users/invite").await;
        assert_eq!(form.status(), 200);
        let form = form.text().await.unwrap();
        assert!(visible_text(&form).contains("L'envoi d'e-mails n'est pas encore configuré"), "{form}");
        assert!(form.contains("<option value=\"worker\">") && !form.contains("<option value=\"admin\""), "admin is never offered");
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", " Nouvelle.Collegue@X.example "),
            ("name", "Nouvelle Collègue"),
            ("role", "worker"),
            ("teams", &accueil.to_string()),
        ]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let page = visible_text(&html);
        assert!(page.contains("Invitation prête"), "{page}");
        assert!(page.contains("Passerelle n'envoie pas encore d'e-mails"), "{page}");
        assert!(page.contains("nouvelle.collegue@x.example"), "{page}");
        let link = link_path(&html);
        // Waiting for an answer: listed as an invitation, not a member.
        let user = accounts::find_user_by_email(&app.state.db, "nouvelle.collegue@x.example").await.unwrap().unwrap();
        let org = org_id(&app, "ccas-a").await;
        assert!(accounts::find_member_by_user(&app.state.db, org, user.id).await.unwrap().is_none(), "nothing opens before the answer");
        let list = text(app.get("/admin/users").await).await;
        let waiting = &list[list.find("Invitations en attente").expect("a list of invitations")..];
        assert!(waiting.contains("Nouvelle Collègue nouvelle.collegue@x.example travailleur·se social·e"), "{list}");

        // Choosing the password with the link, in another browser, is the answer.
        assert_eq!(choose_password_with(&app, &link, NEW_PASSWORD).await, 303);
        let browser = TestApp::new_client();
        let signed_in = app.sign_in_with(&browser, "nouvelle.collegue@x.example", NEW_PASSWORD).await;
        assert_eq!(signed_in.headers()["location"], "/");
        let home = text(browser.get(app.url("/")).send().await.unwrap()).await;
        assert!(home.contains("Votre structure : ccas-a (travailleur·se social·e)"), "{home}");
        assert!(!home.contains("Administration"), "a worker is not offered the administration");

        assert_eq!(user.display_name, "Nouvelle Collègue");
        assert!(!user.instance_admin);
        assert_eq!(accounts::teams_of_membership(&app.state.db, user.id, org).await.unwrap(), vec![(accueil, false)]);
        let list = text(app.get("/admin/users").await).await;
        assert!(list.contains("Nouvelle Collègue nouvelle.collegue@x.example travailleur·se social·e Accueil Actif"), "{list}");
        assert!(!list.contains("Invitations en attente"), "answered: {list}");
        // The account is the instance's: its creation is in the instance's chain; the
        // organisation's holds the invitation and its acceptance.
        let created = events_of(&app, AuditAction::UserCreated).await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].organisation(), None);
        assert_eq!(created[0].subject_id, Some(user.id.as_uuid()));
        assert_eq!(created[0].actor(), Some(manager));
        let changes = events_of(&app, AuditAction::MembershipChanged).await;
        let changes: Vec<(Option<OrganisationId>, String, Option<String>)> = changes
            .iter()
            .rev()
            .map(|e| (e.organisation(), details(e)["change"].as_str().unwrap().to_owned(), e.subject_type.clone()))
            .collect();
        assert_eq!(changes, [
            (Some(org), "invited".to_owned(), Some("invitation".to_owned())),
            (Some(org), "accepted".to_owned(), Some("user".to_owned())),
        ]);
        let accepted = events_of(&app, AuditAction::MembershipChanged).await[0].clone();
        assert_eq!(accepted.actor(), Some(user.id), "the invitee answered");
        let d = details(&accepted);
        assert_eq!((d["role"].clone(), d["via"].clone()), ("worker".into(), "link".into()));
        assert_eq!(d["teams"], serde_json::json!([accueil.to_string()]));
        for event in events(&app).await {
            let logged = event.details.clone().unwrap_or_default();
            assert!(!logged.contains("Collègue") && !logged.contains("collegue"), "no name or address in the log: {logged}");
        }
        assert_chain_intact(&app).await;
    }

    async fn inviting_an_existing_account_waits_for_its_owner_to_accept(db) {
        let (app, manager, _, insertion) = manager_app(db).await;
        let elsewhere = app.create_user("karim@x.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        let org = org_id(&app, "ccas-a").await;
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", "karim@x.example"),
            ("name", "Another Name Typed"),
            ("role", "supervisor"),
            ("teams", &insertion.to_string()),
            ("supervises", &insertion.to_string()),
        ]).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let link = link_path(&html);
        // Nothing opens ccas-a until Karim says so.
        assert!(accounts::find_member_by_user(&app.state.db, org, elsewhere).await.unwrap().is_none());
        let user = accounts::find_user(&app.state.db, elsewhere).await.unwrap().unwrap();
        assert_eq!(user.display_name, "Test User", "the account's own name is kept");
        let list = text(app.get("/admin/users").await).await;
        let waiting = &list[list.find("Invitations en attente").expect("a list of invitations")..];
        assert!(waiting.contains("Another Name Typed karim@x.example superviseur·e"), "the name typed, never the account's: {list}");
        // The link sets no password: it tells its holder to sign in.
        let opened = TestApp::new_client().get(app.url(&link)).send().await.unwrap();
        assert_eq!(opened.status(), 200);
        let opened = visible_text(&opened.text().await.unwrap());
        assert!(opened.contains("ccas-a vous invite à la rejoindre, comme superviseur·e. Connectez-vous"), "{opened}");
        let karim = TestApp::new_client();
        assert_eq!(app.sign_in_with(&karim, "karim@x.example", PASSWORD).await.status(), 303);
        let notices = text(karim.get(app.url("/notifications")).send().await.unwrap()).await;
        assert!(notices.contains("Test User vous invite à rejoindre ccas-a."), "{notices}");
        let account = karim.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&account).contains("Test User vous invite à rejoindre ccas-a, comme superviseur·e."), "{account}");
        let at = account.find("/account/invitations/").unwrap();
        let accept = account[at..at + account[at..].find('"').unwrap()].to_owned();
        assert!(accept.ends_with("/accept"), "{accept}");
        // Only with the anti-forgery token, and only by the invitee.
        assert_eq!(karim.post(app.url(&accept)).send().await.unwrap().status(), 403);
        assert_eq!(post(&app, &app.client, &accept, &[]).await.status(), 404, "the manager cannot answer for Karim");
        assert!(accounts::find_member_by_user(&app.state.db, org, elsewhere).await.unwrap().is_none());
        let res = post(&app, &karim, &accept, &[]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/account?notice=invitation_accepted");
        let orgs: Vec<String> = accounts::memberships_of(&app.state.db, elsewhere).await.unwrap()
            .into_iter().map(|m| format!("{}:{}", m.organisation_name, m.role)).collect();
        assert_eq!(orgs, ["ccas-a:supervisor", "ccas-b:worker"]);
        assert_eq!(accounts::teams_of_membership(&app.state.db, elsewhere, org).await.unwrap(), vec![(insertion, true)]);
        // Answered once: again, it is gone.
        let again = post(&app, &karim, &accept, &[]).await;
        assert_eq!(again.headers()["location"], "/account?notice=invitation_gone");
        assert_eq!(app.get(&link).await.status(), 404, "the link has served its purpose");
        assert!(events_of(&app, AuditAction::UserCreated).await.is_empty());
        let changed = events_of(&app, AuditAction::MembershipChanged).await;
        assert_eq!(changed.len(), 2);
        assert_eq!((details(&changed[1])["change"].clone(), changed[1].actor()), ("invited".into(), Some(manager)));
        assert_eq!((details(&changed[0])["change"].clone(), changed[0].actor()), ("accepted".into(), Some(elsewhere)));
        assert_eq!(details(&changed[0])["supervises"], serde_json::json!([insertion.to_string()]));
        assert_eq!(changed[0].organisation(), Some(org));
        assert_chain_intact(&app).await;
    }

    async fn a_declined_invitation_opens_nothing(db) {
        let (app, _, _, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        let res = post(&app, &app.client, "/admin/users/invite", &[("email", "karim@x.example"), ("name", "Karim"), ("role", "manager")]).await;
        assert_eq!(res.status(), 200);
        let browser = TestApp::new_client();
        app.sign_in_with(&browser, "karim@x.example", PASSWORD).await;
        let account = browser.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        let at = account.find("/account/invitations/").unwrap();
        let id = &account[at + "/account/invitations/".len()..at + "/account/invitations/".len() + 36];
        let res = post(&app, &browser, &format!("/account/invitations/{id}/decline"), &[]).await;
        assert_eq!(res.headers()["location"], "/account?notice=invitation_declined");
        let res = post(&app, &browser, &format!("/account/invitations/{id}/accept"), &[]).await;
        assert_eq!(res.headers()["location"], "/account?notice=invitation_gone", "declined is final");
        let org = org_id(&app, "ccas-a").await;
        assert!(accounts::find_member_by_user(&app.state.db, org, karim).await.unwrap().is_none());
        let page = text(browser.get(app.url("/account")).send().await.unwrap()).await;
        assert!(!page.contains("vous invite"), "{page}");
        let declined = &events_of(&app, AuditAction::MembershipChanged).await[0];
        assert_eq!((details(declined)["change"].clone(), declined.actor(), declined.organisation()), ("declined".into(), Some(karim), Some(org)));
        assert_chain_intact(&app).await;
    }

    /// Security review M1: a manager could tell which addresses have an account on the
    /// instance from the answer to an invitation.
    async fn the_manager_gets_the_same_answer_whether_the_address_has_an_account_or_not(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        let org = org_id(&app, "ccas-a").await;
        // An account of another organisation; an account another organisation's invitation
        // created, whose password nobody chose yet; an instance administrator.
        app.create_user("in.b@x.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        app.create_user("manager.b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let b = TestApp::new_client();
        app.sign_in_with(&b, "manager.b@x.example", PASSWORD).await;
        let unfinished = post(&app, &b, "/admin/users/invite", &[("email", "unfinished@x.example"), ("name", "U"), ("role", "worker")]).await;
        assert_eq!(unfinished.status(), 200);
        app.create_user("admin@x.example", PASSWORD, None).await;
        let team = accueil.to_string();
        let mut answers = Vec::new();
        for email in ["nobody.yet@x.example", "in.b@x.example", "unfinished@x.example", "admin@x.example"] {
            let res = post(&app, &app.client, "/admin/users/invite", &[("email", email), ("name", "Same Name"), ("role", "dpo"), ("teams", &team)]).await;
            let status = res.status();
            let html = res.text().await.unwrap();
            answers.push((email, status, invitation_answer(&html, email)));
        }
        for (email, status, answer) in &answers[1..] {
            assert_eq!(*status, answers[0].1, "{email}");
            assert_eq!(answer, &answers[0].2, "the answer for {email} differs from a new address's");
        }
        // The members list, and the organisation's log, say the same of each.
        let list = text(app.get("/admin/users").await).await;
        for (email, _, _) in &answers {
            assert!(list.contains(&format!("Same Name {email} délégué·e à la protection des données")), "{email}: {list}");
        }
        let invited: Vec<AuditEvent> = chain_events(&app, org).await.into_iter().filter(|e| e.action() == Ok(AuditAction::MembershipChanged)).collect();
        assert_eq!(invited.len(), 4);
        for event in &invited {
            assert_eq!(event.subject_type.as_deref(), Some("invitation"), "never the account's id");
            let d = details(event);
            let mut keys: Vec<&String> = d.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["change", "role", "supervises", "teams"]);
        }
        assert!(chain_events(&app, org).await.iter().all(|e| e.action() != Ok(AuditAction::UserCreated)));
        assert_chain_intact(&app).await;
    }

    async fn inviting_a_member_again_or_with_wrong_values_keeps_what_was_typed(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        app.create_user("julie@x.example", PASSWORD, Some(("ccas-a", Role::Reception))).await;
        let before = events(&app).await.len();
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", "julie@x.example"),
            ("name", "Julie Morel"),
            ("role", "reception"),
            ("teams", &accueil.to_string()),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("<a href=\"#email\">julie@x.example est déjà membre de cette structure."), "{html}");
        assert!(html.contains("value=\"julie@x.example\""));
        assert!(html.contains("value=\"Julie Morel\""));
        assert!(html.contains("<option value=\"reception\" selected>"));
        assert!(html.contains(&format!("value=\"{accueil}\" checked")));
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"email-error\""));

        // Every problem at once, each linked from the summary; `admin` is never a choice.
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", "not an address"),
            ("name", "   "),
            ("role", "admin"),
            ("supervises", &accueil.to_string()),
        ]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        for field in ["#email", "#name", "#role"] {
            assert!(html.contains(&format!("<a href=\"{field}\">")), "{field} in the summary");
        }
        assert!(html.contains("value=\"not an address\""));
        assert!(!html.contains("<option value=\"admin\""));
        assert_eq!(events(&app).await.len(), before, "nothing was recorded");
        assert!(accounts::find_user_by_email(&app.state.db, "not an address").await.unwrap().is_none());

        // Supervising is for supervisors.
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", "new@x.example"),
            ("name", "New"),
            ("role", "worker"),
            ("supervises", &accueil.to_string()),
        ]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("<a href=\"#teams\">Seul·e un·e superviseur·e supervise"));
    }

    async fn every_other_role_and_an_instance_admin_get_404_on_every_admin_route(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        let target = app.create_user("target@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let target_membership = membership(&app, "ccas-a", target).await.membership_id;
        let mut visitors = Vec::new();
        for (i, role) in [Role::Worker, Role::Reception, Role::Supervisor, Role::Dpo, Role::PeerMediator, Role::Partner].into_iter().enumerate() {
            let email = format!("visitor{i}@x.example");
            app.create_user(&email, PASSWORD, Some(("ccas-a", role))).await;
            visitors.push((role.as_str().to_owned(), email));
        }
        // An instance administrator with no membership manages no organisation's people.
        app.create_user("admin@x.example", PASSWORD, None).await;
        visitors.push(("admin".into(), "admin@x.example".into()));
        let routes = admin_routes(target_membership, accueil);
        assert_eq!(routes.len(), 18);
        for (who, email) in &visitors {
            let client = TestApp::new_client();
            assert_eq!(app.sign_in_with(&client, email, PASSWORD).await.status(), 303);
            for (method, path) in &routes {
                let res = if *method == reqwest::Method::GET {
                    client.get(app.url(path)).send().await.unwrap()
                } else {
                    let mut fields = EVERY_FIELD.to_vec();
                    let team = accueil.to_string();
                    fields.push(("teams", &team));
                    post(&app, &client, path, &fields).await
                };
                assert_eq!(res.status(), 404, "{who} must not reach {method} {path}");
            }
            let home = text(client.get(app.url("/")).send().await.unwrap()).await;
            assert!(!home.contains("Administration"), "{who} is not offered the administration");
        }
        let member = membership(&app, "ccas-a", target).await;
        assert_eq!((member.role, member.disabled_at), (Role::Worker, None), "nothing changed");
        assert!(accounts::find_user_by_email(&app.state.db, "intruder@x.example").await.unwrap().is_none());
        let team = teams::find(&app.state.db, org_id(&app, "ccas-a").await, accueil).await.unwrap().unwrap();
        assert_eq!((team.name.as_str(), team.version), ("Accueil", 1));
        assert!(events_of(&app, AuditAction::AdminAction).await.is_empty());
    }

    async fn a_manager_cannot_reach_another_organisations_members_or_teams(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        app.create_user("manager.b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let b_member = app.create_user("worker.b@x.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        let b_team = create_team(&app, "ccas-b", "Équipe B").await;
        let b_membership = membership(&app, "ccas-b", b_member).await;
        let before = events(&app).await.len();
        for (method, path) in admin_routes(b_membership.membership_id, b_team) {
            if !path.contains(&b_membership.membership_id.to_string()) && !path.contains(&b_team.to_string()) {
                continue;
            }
            let res = if method == reqwest::Method::GET {
                app.get(&path).await
            } else {
                let team = b_team.to_string();
                let mut fields = EVERY_FIELD.to_vec();
                fields.push(("teams", &team));
                post(&app, &app.client, &path, &fields).await
            };
            assert_eq!(res.status(), 404, "{method} {path} with another organisation's id");
        }
        // Another organisation's team, ticked in a forged invitation: not found either.
        let res = post(&app, &app.client, "/admin/users/invite", &[
            ("email", "someone@x.example"), ("name", "Someone"), ("role", "worker"), ("teams", &b_team.to_string()),
        ]).await;
        assert_eq!(res.status(), 404);
        let worker = app.create_user("w@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let worker = membership(&app, "ccas-a", worker).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{worker}/teams"), &[
            ("teams", &b_team.to_string()), ("teams", &accueil.to_string()),
        ]).await;
        assert_eq!(res.status(), 404);
        let after = membership(&app, "ccas-b", b_member).await;
        assert_eq!(after, b_membership, "nothing changed");
        let team = teams::find(&app.state.db, org_id(&app, "ccas-b").await, b_team).await.unwrap().unwrap();
        assert_eq!((team.name.as_str(), team.version), ("Équipe B", 1));
        assert!(accounts::find_user_by_email(&app.state.db, "someone@x.example").await.unwrap().is_none());
        assert_eq!(events(&app).await.len(), before);
        // The list shows only this organisation's members.
        let list = text(app.get("/admin/users").await).await;
        assert!(list.contains("claire@x.example") && !list.contains("worker.b@x.example"), "{list}");
    }

    async fn a_role_change_takes_effect_at_the_members_next_request(db) {
        let (app, _, _, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let member = TestApp::new_client();
        app.sign_in_with(&member, "karim@x.example", PASSWORD).await;
        let home = text(member.get(app.url("/")).send().await.unwrap()).await;
        assert!(home.contains("(travailleur·se social·e)"), "{home}");
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "supervisor")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], format!("/admin/users/{id}?notice=role"));
        let page = text(app.get(&format!("/admin/users/{id}?notice=role")).await).await;
        assert!(page.contains("Le rôle est changé."), "{page}");
        let home = text(member.get(app.url("/")).send().await.unwrap()).await;
        assert!(home.contains("Votre structure : ccas-a (superviseur·e)"), "the same session, the new role: {home}");
        // The instance's role is never given from here.
        let res = post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "admin")]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(membership(&app, "ccas-a", karim).await.role, Role::Supervisor);
        let changed = events_of(&app, AuditAction::PermissionChanged).await;
        assert_eq!(changed.len(), 1);
        assert_eq!((details(&changed[0])["from"].clone(), details(&changed[0])["to"].clone()), ("worker".into(), "supervisor".into()));
        assert_eq!(changed[0].subject_id, Some(karim.as_uuid()));
        assert_chain_intact(&app).await;
    }

    /// Security review L7: a change of rights is a privilege change, so the member's session
    /// gets a new id — at their next page, so that a form they are sending still goes through.
    async fn a_role_or_teams_change_moves_the_members_session_to_a_new_id_at_their_next_page(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let member = TestApp::new_client();
        let signed_in = app.sign_in_with(&member, "karim@x.example", PASSWORD).await;
        let first = session_set(&signed_in).unwrap();
        let page = member.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        let open_form_token = csrf_in(&page).unwrap();
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "supervisor")]).await;
        assert_eq!(res.status(), 303);
        // What the member was sending still goes through, under the old id…
        let kept = member.post(app.url("/account/keep-alive")).header("x-csrf-token", &open_form_token).send().await.unwrap();
        assert_eq!(kept.status(), 204);
        assert!(session_set(&kept).is_none());
        // …and the next page moves the session.
        let next = member.get(app.url("/")).send().await.unwrap();
        assert_eq!(next.status(), 200);
        let second = session_set(&next).expect("a new session id");
        assert_ne!(first, second);
        assert!(text(next).await.contains("Votre structure : ccas-a (superviseur·e)"));
        let replay = TestApp::new_client().get(app.url("/")).header("cookie", &first).send().await.unwrap();
        assert_eq!(replay.status(), 303, "the id from before the change opens nothing");
        let again = member.get(app.url("/")).send().await.unwrap();
        assert!(session_set(&again).is_none(), "once");
        // A change of teams too.
        let res = post(&app, &app.client, &format!("/admin/users/{id}/teams"), &[("teams", &accueil.to_string())]).await;
        assert_eq!(res.status(), 303);
        let next = member.get(app.url("/account")).send().await.unwrap();
        let third = session_set(&next).expect("a new session id");
        assert_ne!(third, second);
        // The manager's own session, whose rights did not change, keeps its id.
        assert!(session_set(&app.get("/").await).is_none());
    }

    async fn teams_are_changed_and_supervising_goes_with_the_supervisor_role(db) {
        let (app, _, accueil, insertion) = manager_app(db).await;
        let sophie = app.create_user("sophie@x.example", PASSWORD, Some(("ccas-a", Role::Supervisor))).await;
        let id = membership(&app, "ccas-a", sophie).await.membership_id;
        let page = app.get(&format!("/admin/users/{id}")).await.text().await.unwrap();
        assert!(page.contains(&format!("id=\"supervises-{accueil}\"")), "a supervisor is offered the boxes");
        let res = post(&app, &app.client, &format!("/admin/users/{id}/teams"), &[
            ("teams", &accueil.to_string()), ("supervises", &insertion.to_string()),
        ]).await;
        assert_eq!(res.status(), 303);
        let org = org_id(&app, "ccas-a").await;
        assert_eq!(accounts::teams_of_membership(&app.state.db, sophie, org).await.unwrap().len(), 2);
        let page = text(app.get(&format!("/admin/users/{id}")).await).await;
        assert!(page.contains("Accueil, Pôle insertion (supervise)"), "{page}");
        // Another role drops supervising, and a worker cannot be made to supervise.
        post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "worker")]).await;
        let mut teams_now = accounts::teams_of_membership(&app.state.db, sophie, org).await.unwrap();
        teams_now.sort();
        let mut expected = vec![(accueil, false), (insertion, false)];
        expected.sort();
        assert_eq!(teams_now, expected);
        let refused = post(&app, &app.client, &format!("/admin/users/{id}/teams"), &[("supervises", &accueil.to_string())]).await;
        assert_eq!(refused.status(), 422);
        let page = app.get(&format!("/admin/users/{id}")).await.text().await.unwrap();
        assert!(!page.contains("id=\"supervises-"), "a worker is not offered the boxes");
        // Unticking every team.
        let res = post(&app, &app.client, &format!("/admin/users/{id}/teams"), &[]).await;
        assert_eq!(res.status(), 303);
        assert!(accounts::teams_of_membership(&app.state.db, sophie, org).await.unwrap().is_empty());
        let changes: Vec<String> = events_of(&app, AuditAction::MembershipChanged).await.iter().map(|e| details(e)["change"].to_string()).collect();
        assert_eq!(changes, ["\"teams\"", "\"teams\""]);
        assert_chain_intact(&app).await;
    }

    async fn disabling_a_member_ends_their_sessions_in_that_organisation_only(db) {
        let (app, _, _, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("other@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let org_b = org_id(&app, "ccas-b").await;
        accounts::insert_membership(&app.state.db, MembershipId::new(), karim, org_b, Role::Worker, Ts::now()).await.unwrap();
        // One browser acting in ccas-a (the first by name), another switched to ccas-b.
        let in_a = TestApp::new_client();
        app.sign_in_with(&in_a, "karim@x.example", PASSWORD).await;
        let in_b = TestApp::new_client();
        app.sign_in_with(&in_b, "karim@x.example", PASSWORD).await;
        let switched = post(&app, &in_b, "/account/organisation", &[("organisation_id", &org_b.to_string())]).await;
        assert_eq!(switched.status(), 303);
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{id}/disable"), &[]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], format!("/admin/users/{id}?notice=disabled"));
        assert_eq!(in_a.get(app.url("/")).send().await.unwrap().status(), 303, "the session in ccas-a ended");
        let home_b = text(in_b.get(app.url("/")).send().await.unwrap()).await;
        assert!(home_b.contains("Votre structure : ccas-b"), "the session in ccas-b goes on: {home_b}");
        // Signing in again no longer opens ccas-a.
        let again = TestApp::new_client();
        app.sign_in_with(&again, "karim@x.example", PASSWORD).await;
        let home = text(again.get(app.url("/")).send().await.unwrap()).await;
        assert!(home.contains("Votre structure : ccas-b"), "{home}");
        let list = text(app.get("/admin/users").await).await;
        assert!(list.contains("Suspendu"), "{list}");
        let disabled = events_of(&app, AuditAction::MembershipChanged).await;
        assert_eq!(details(&disabled[0])["change"], "disabled");
        assert_eq!(details(&disabled[0])["sessions_ended"], 1);
        // Enabled again: the next sign-in can act in ccas-a.
        let res = post(&app, &app.client, &format!("/admin/users/{id}/enable"), &[]).await;
        assert_eq!(res.status(), 303);
        assert!(membership(&app, "ccas-a", karim).await.disabled_at.is_none());
        let changes: Vec<String> = events_of(&app, AuditAction::MembershipChanged).await.iter().map(|e| details(e)["change"].to_string()).collect();
        assert!(changes.contains(&"\"enabled\"".to_owned()), "{changes:?}");
        assert_chain_intact(&app).await;
    }

    async fn a_manager_cannot_lock_themself_out(db) {
        let (app, claire, _, _) = manager_app(db).await;
        let id = membership(&app, "ccas-a", claire).await.membership_id;
        let page = text(app.get(&format!("/admin/users/{id}")).await).await;
        assert!(page.contains("C'est votre propre rattachement"), "{page}");
        let res = post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "worker")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("<a href=\"#role\">Vous ne pouvez pas renoncer à votre propre rôle de responsable"), "{html}");
        assert!(html.contains("<option value=\"worker\" selected>"), "the choice typed is kept");
        let res = post(&app, &app.client, &format!("/admin/users/{id}/disable"), &[]).await;
        assert_eq!(res.status(), 422);
        assert!(text(res).await.contains("Vous ne pouvez pas suspendre votre propre accès : vous seriez exclu·e de la structure."));
        let unchanged = post(&app, &app.client, &format!("/admin/users/{id}/role"), &[("role", "manager")]).await;
        assert_eq!(unchanged.status(), 303);
        let me = membership(&app, "ccas-a", claire).await;
        assert_eq!((me.role, me.disabled_at), (Role::Manager, None));
        assert_eq!(app.get("/admin/users").await.status(), 200, "still the manager");
        assert!(events_of(&app, AuditAction::PermissionChanged).await.is_empty());
        assert!(events_of(&app, AuditAction::MembershipChanged).await.is_empty());
    }

    async fn resetting_a_second_factor_needs_a_reason_and_leaves_the_password_alone(db) {
        let (app, _, _, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        second_factor::begin_enrolment(&app.state.db, karim, "sealed").await.unwrap();
        assert!(second_factor::enable(&app.state.db, karim, 1, Ts::now()).await.unwrap());
        let res = app.sign_in_with(&TestApp::new_client(), "karim@x.example", PASSWORD).await;
        assert_eq!(res.headers()["location"], "/login/second-factor", "the factor is on");
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let path = format!("/admin/users/{id}/second-factor/reset");
        let list = text(app.get("/admin/users").await).await;
        assert!(list.contains("travailleur·se social·e Aucune équipe Actif Activée Jamais"), "{list}");

        let refused = post(&app, &app.client, &path, &[("reason", "   ")]).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("<a href=\"#reason\">Indiquez le motif de la désactivation.</a>"));
        assert!(second_factor::state(&app.state.db, karim).await.unwrap().enabled());

        let res = post(&app, &app.client, &path, &[("reason", "téléphone perdu,\n identité vérifiée")]).await;
        assert_eq!(res.status(), 303);
        assert!(!second_factor::state(&app.state.db, karim).await.unwrap().enabled());
        let res = app.sign_in_with(&TestApp::new_client(), "karim@x.example", PASSWORD).await;
        assert_eq!(res.headers()["location"], "/", "the password alone signs in");
        let reset = events_of(&app, AuditAction::AdminAction).await;
        assert_eq!(reset.len(), 1);
        assert_eq!(reset[0].reason.as_deref(), Some("téléphone perdu, identité vérifiée"));
        assert_eq!(details(&reset[0])["action"], "second_factor_reset");
        assert_eq!(reset[0].subject_id, Some(karim.as_uuid()));
        // Already off: nothing to reset.
        assert_eq!(post(&app, &app.client, &path, &[("reason", "again")]).await.status(), 422);
        assert_chain_intact(&app).await;
    }

    async fn a_second_factor_protecting_another_organisation_or_the_manager_is_not_reset_here(db) {
        let (app, claire, _, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        app.create_user("other@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
        let org_b = org_id(&app, "ccas-b").await;
        accounts::insert_membership(&app.state.db, MembershipId::new(), karim, org_b, Role::Worker, Ts::now()).await.unwrap();
        for user in [karim, claire] {
            second_factor::begin_enrolment(&app.state.db, user, "sealed").await.unwrap();
            second_factor::enable(&app.state.db, user, 1, Ts::now()).await.unwrap();
        }
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{id}/second-factor/reset"), &[("reason", "lost")]).await;
        assert_eq!(res.status(), 422);
        assert!(text(res).await.contains("Ce compte ouvre aussi une autre structure"));
        let own = membership(&app, "ccas-a", claire).await.membership_id;
        let res = post(&app, &app.client, &format!("/admin/users/{own}/second-factor/reset"), &[("reason", "lost")]).await;
        assert_eq!(res.status(), 422);
        assert!(text(res).await.contains("depuis la page de votre compte"));
        for user in [karim, claire] {
            assert!(second_factor::state(&app.state.db, user).await.unwrap().enabled());
        }
    }

    async fn the_members_list_sorts_newest_first_or_by_name(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        for (email, name) in [("b@x.example", "bernard Zola"), ("a@x.example", "Amina Diallo")] {
            let res = post(&app, &app.client, "/admin/users/invite", &[
                ("email", email), ("name", name), ("role", "dpo"), ("teams", &accueil.to_string()),
            ]).await;
            assert_eq!(res.status(), 200);
            let link = link_path(&res.text().await.unwrap());
            assert_eq!(choose_password_with(&app, &link, NEW_PASSWORD).await, 303);
        }
        let html = app.get("/admin/users").await.text().await.unwrap();
        // Positions in the table (the header names the signed-in manager too).
        let order = |html: &str| -> Vec<usize> {
            let table = &html[html.find("<tbody>").unwrap()..];
            ["Amina Diallo", "bernard Zola", "Test User"].iter().map(|n| table.find(n).unwrap()).collect()
        };
        let newest = order(&html);
        assert!(newest[0] < newest[1] && newest[1] < newest[2], "newest first");
        assert!(html.contains("<caption id=\"members-caption\">"));
        assert!(visible_text(&html).contains("Membres de la structure, les plus récents d'abord"));
        assert!(html.contains("<th scope=\"row\">"));
        let by_name = app.get("/admin/users?sort=name").await.text().await.unwrap();
        let named = order(&by_name);
        assert!(named[0] < named[1] && named[1] < named[2], "by name, whatever the case");
        let en = app.get_lang("/admin/users", "en").await.text().await.unwrap();
        assert!(visible_text(&en).contains("Amina Diallo a@x.example data protection officer Accueil Enabled Off Never"), "{}", visible_text(&en));
    }

    async fn teams_are_created_renamed_and_a_stale_rename_overwrites_nothing(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        post(&app, &app.client, &format!("/admin/users/{id}/teams"), &[("teams", &accueil.to_string())]).await;
        let list = text(app.get("/admin/teams").await).await;
        assert!(list.contains("Accueil 1"), "{list}");
        assert!(list.contains("Pôle insertion 0"), "{list}");

        let res = post(&app, &app.client, "/admin/teams", &[("name", "  Équipe   mobile ")]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/admin/teams?notice=created");
        let org = org_id(&app, "ccas-a").await;
        let all = teams::list_for_organisation(&app.state.db, org).await.unwrap();
        let mobile = all.iter().find(|t| t.name == "Équipe mobile").expect("created, white space folded");
        let dup = post(&app, &app.client, "/admin/teams", &[("name", "Accueil")]).await;
        assert_eq!(dup.status(), 422);
        let html = dup.text().await.unwrap();
        assert!(html.contains("<a href=\"#name\">La structure a déjà une équipe nommée « Accueil ».</a>"), "{html}");
        assert!(html.contains("value=\"Accueil\""));
        let empty = post(&app, &app.client, "/admin/teams", &[("name", " ")]).await;
        assert_eq!(empty.status(), 422);

        // Renamed with the version the form carries; a form from before that is stale.
        let page = app.get(&format!("/admin/teams/{}", mobile.id)).await.text().await.unwrap();
        assert!(page.contains("name=\"version\" value=\"1\""));
        let path = format!("/admin/teams/{}", mobile.id);
        let res = post(&app, &app.client, &path, &[("name", "Équipe mobile Nord"), ("version", "1")]).await;
        assert_eq!(res.status(), 303);
        let stale = post(&app, &app.client, &path, &[("name", "Équipe de rue"), ("version", "1")]).await;
        assert_eq!(stale.status(), 409);
        let html = stale.text().await.unwrap();
        let page = visible_text(&html);
        assert!(page.contains("Quelqu'un a renommé cette équipe pendant votre saisie"), "{page}");
        assert!(page.contains("Nom enregistré Équipe mobile Nord"), "{page}");
        assert!(page.contains("Le nom que vous avez saisi Équipe de rue"), "{page}");
        assert!(html.contains("value=\"Équipe de rue\""), "the typed name stays in the form");
        assert!(html.contains("name=\"version\" value=\"2\""), "sending it again is a deliberate choice");
        let stored = teams::find(&app.state.db, org, mobile.id).await.unwrap().unwrap();
        assert_eq!((stored.name.as_str(), stored.version), ("Équipe mobile Nord", 2));
        let taken = post(&app, &app.client, &path, &[("name", "Accueil"), ("version", "2")]).await;
        assert_eq!(taken.status(), 422);

        assert_eq!(events_of(&app, AuditAction::TeamCreated).await.len(), 1);
        let renamed = events_of(&app, AuditAction::AdminAction).await;
        assert_eq!(renamed.len(), 1);
        assert_eq!(details(&renamed[0])["action"], "team_renamed");
        assert_eq!(renamed[0].subject_id, Some(mobile.id.as_uuid()));
        assert_chain_intact(&app).await;
    }

    async fn admin_forms_without_an_anti_forgery_token_are_refused(db) {
        let (app, _, accueil, _) = manager_app(db).await;
        let karim = app.create_user("karim@x.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let id = membership(&app, "ccas-a", karim).await.membership_id;
        let before = events(&app).await.len();
        for (method, path) in admin_routes(id, accueil) {
            if method != reqwest::Method::POST {
                continue;
            }
            let res = app.client.post(app.url(&path)).form(EVERY_FIELD).send().await.unwrap();
            assert_eq!(res.status(), 403, "POST {path} without a token");
        }
        assert_eq!(events(&app).await.len(), before, "nothing changed");
        assert_eq!(membership(&app, "ccas-a", karim).await.role, Role::Worker);
    }

    async fn the_manager_finds_the_administration_in_the_navigation(db) {
        let (app, _, _, _) = manager_app(db).await;
        let home = app.get("/").await.text().await.unwrap();
        assert!(home.contains("<a href=\"/admin/users\">Administration</a>"), "{home}");
        let page = app.get("/admin/users").await.text().await.unwrap();
        assert!(page.contains("<a href=\"/admin/users\" aria-current=\"page\">Administration</a>"));
        assert!(page.contains("<a href=\"/admin/teams\">Équipes</a>"));
    }
}

mod cross_organisation_links {
    use super::*;

    engine_tests! {
        /// A manager who created an account keeps its link; another organisation's invitation
        /// of that account must not let the link's holder into the second organisation
        /// (security review H1, and M1: invitations wait for an answer).
        async fn a_link_held_by_one_manager_never_opens_another_organisation(db) {
            let app = TestApp::spawn(db).await;
            app.create_user("manager-a@x.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
            app.create_user("manager-b@x.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
            let a = TestApp::new_client();
            app.sign_in_with(&a, "manager-a@x.example", PASSWORD).await;
            let invite = |client: reqwest::Client, role: &'static str| {
                let app = &app;
                async move {
                    let token = app.csrf_token(&client, "/admin/users/invite").await;
                    client
                        .post(app.url("/admin/users/invite"))
                        .form(&[("csrf_token", token.as_str()), ("email", "new.hire@x.example"), ("name", "New Hire"), ("role", role)])
                        .send()
                        .await
                        .unwrap()
                }
            };
            let invited = invite(a.clone(), "worker").await;
            assert_eq!(invited.status(), 200);
            let path = link_path(&invited.text().await.unwrap());
            // Manager B invites the same address before its owner chose a password: B's link
            // sets no password, and A's link will not answer B's invitation.
            let b = TestApp::new_client();
            app.sign_in_with(&b, "manager-b@x.example", PASSWORD).await;
            let by_b = invite(b.clone(), "manager").await;
            assert_eq!(by_b.status(), 200);
            let b_link = link_path(&by_b.text().await.unwrap());
            let b_page = visible_text(&app.get(&b_link).await.text().await.unwrap());
            assert!(b_page.contains("Connectez-vous") && !b_page.contains("Enregistrer le mot de passe"), "{b_page}");
            // Whoever holds A's link chooses the password: they join ccas-a, and B's
            // invitation, meant for the account's owner, is withdrawn.
            assert_eq!(choose_password_with(&app, &path, "une phrase de passe vraiment longue").await, 303);
            let user = accounts::find_user_by_email(&app.state.db, "new.hire@x.example").await.unwrap().unwrap();
            let orgs: Vec<String> = accounts::memberships_of(&app.state.db, user.id).await.unwrap().into_iter().map(|m| m.organisation_name).collect();
            assert_eq!(orgs, ["ccas-a"]);
            let holder = TestApp::new_client();
            app.sign_in_with(&holder, "new.hire@x.example", "une phrase de passe vraiment longue").await;
            let account = text(holder.get(app.url("/account")).send().await.unwrap()).await;
            assert!(!account.contains("vous invite"), "nothing from ccas-b to accept: {account}");
            assert_eq!(app.get(&b_link).await.status(), 404, "B's link is dead");
            let withdrawn = events_of(&app, AuditAction::MembershipChanged).await;
            let org_b = org_id(&app, "ccas-b").await;
            assert!(withdrawn.iter().any(|e| e.organisation() == Some(org_b) && details(e)["change"] == "withdrawn"), "B's log says so");
            // B invites again: now an account with a password, answered by signing in.
            let again = invite(b.clone(), "manager").await;
            assert_eq!(again.status(), 200);
            let again_link = link_path(&again.text().await.unwrap());
            assert!(visible_text(&app.get(&again_link).await.text().await.unwrap()).contains("Connectez-vous"));
            assert_eq!(app.get(&path).await.status(), 404, "A's link has served");
            assert!(accounts::find_member_by_user(&app.state.db, org_b, user.id).await.unwrap().is_none());
        }
    }
}
