//! The audit log search and its CSV export, on SQLite and PostgreSQL: who may search which
//! log, what each criterion finds, what a wrong criterion says, paging, and the file itself.

use std::collections::BTreeSet;

use domain::OrganisationId;
use domain::accounts::Role;
use domain::audit::AuditAction;
use store::audit::{AuditEvent, AuditFilter, AuditScope, NewAuditEvent};
use store::{Ts, organisations};
use testkit::engine_tests;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";

async fn org_id(app: &TestApp, slug: &str) -> OrganisationId {
    organisations::find_by_slug(&app.state.db, slug).await.unwrap().expect("organisation").id
}

/// Appends `event` as if it had happened at `at` (RFC 3339).
async fn event_at(app: &TestApp, event: NewAuditEvent, at: &str) -> AuditEvent {
    let at = Ts::from(OffsetDateTime::parse(at, &Rfc3339).unwrap());
    let mut tx = app.state.db.begin_write().await.unwrap();
    let stored = store::audit::append(&mut tx, &event, at).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

/// An event of `org` tagged with a request id the assertions look for (`rq-…`).
fn tagged(action: AuditAction, org: Option<OrganisationId>, tag: &str) -> NewAuditEvent {
    NewAuditEvent::new(action, org)
        .from_request(Some("192.0.2.10".into()), Some(format!("rq-{tag}")))
}

/// The `rq-…` request ids a page shows, in order.
fn tags(html: &str) -> Vec<String> {
    html.match_indices("rq-")
        .map(|(i, _)| {
            let rest = &html[i..];
            rest[..rest.find(['<', '"', ','].as_slice()).unwrap()].to_owned()
        })
        .collect()
}

/// The signed-in client's anti-forgery token, read from its home page.
async fn token(app: &TestApp, client: &reqwest::Client) -> String {
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    csrf_in(&html).expect("a signed-in page carries the token")
}

/// Posts a form with the client's token.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = token(app, client).await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

async fn search(app: &TestApp, fields: &[(&str, &str)]) -> (u16, String) {
    let res = post(app, &app.client, "/admin/audit", fields).await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The value of the first `<input>` named `name` on a page.
fn input_value(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\"");
    let tag = html
        .match_indices(&needle)
        .map(|(at, _)| {
            let start = html[..at].rfind('<').unwrap();
            &html[start..at + html[at..].find('>').unwrap()]
        })
        .find(|tag| tag.starts_with("<input"))
        .unwrap_or_else(|| panic!("no input {name}"));
    let v = tag.find("value=\"").unwrap_or_else(|| panic!("input {name} has no value")) + 7;
    tag[v..v + tag[v..].find('"').unwrap()].to_owned()
}

async fn export_events(app: &TestApp, scope: AuditScope) -> Vec<AuditEvent> {
    let filter = AuditFilter { action: Some(AuditAction::Export), ..AuditFilter::new(scope) };
    store::audit::search(&app.state.db, &filter, None, 200).await.unwrap().events
}

/// Two organisations with events each, and an instance event; `role` signs in to the first.
async fn two_organisations(app: &TestApp, role: Role) -> (OrganisationId, OrganisationId) {
    app.create_user("viewer@a.example", PASSWORD, Some(("ccas-a", role))).await;
    app.create_user("someone@b.example", PASSWORD, Some(("ccas-b", Role::Manager))).await;
    let (a, b) = (org_id(app, "ccas-a").await, org_id(app, "ccas-b").await);
    let read =
        |org, tag| tagged(AuditAction::PersonFileRead, Some(org), tag).on("person", Uuid::now_v7());
    event_at(app, read(a, "a1"), "2024-03-01T09:00:00Z").await;
    event_at(app, read(b, "b1"), "2024-03-01T10:00:00Z").await;
    event_at(app, read(a, "a2"), "2024-03-02T09:00:00Z").await;
    event_at(app, read(b, "b2"), "2024-03-02T10:00:00Z").await;
    event_at(app, tagged(AuditAction::OrganisationCreated, None, "i1"), "2024-03-02T11:00:00Z")
        .await;
    app.sign_in("viewer@a.example", PASSWORD).await;
    (a, b)
}

async fn sees_only_their_organisation(app: &TestApp) {
    let form = app.get("/admin/audit").await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(visible_text(&form).contains("Journal d'audit"), "{form}");
    assert!(!form.contains("<table"), "no results before a search");
    assert!(
        form.contains("href=\"/admin/audit\" aria-current=\"page\""),
        "the nav entry is current"
    );

    let (status, page) = search(app, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(tags(&page), ["rq-a2", "rq-a1"], "newest first, organisation a only");
    let text = visible_text(&page);
    assert!(text.contains("2024-03-02 09:00:00"), "times in UTC to the second: {text}");
    assert!(text.contains("Dossier d'une personne consulté"), "actions are labelled");
    assert!(
        page.contains("<th scope=\"col\">") && page.contains("<caption"),
        "an accessible table"
    );
    // Even asking for the other organisation's kind of event, or for the instance's, finds
    // nothing of theirs.
    let (_, created) = search(app, &[("action", "organisation_created")]).await;
    assert!(tags(&created).is_empty(), "{:?}", tags(&created));
    assert!(visible_text(&created).contains("Aucun évènement ne correspond à ces critères."));
    // The export holds the same events.
    let csv = post(app, &app.client, "/admin/audit/export", &[]).await.text().await.unwrap();
    assert_eq!(tags(&csv), ["rq-a2", "rq-a1"]);
}

engine_tests! {
    async fn a_manager_sees_their_organisations_events_and_never_another_organisations(db) {
        let app = TestApp::spawn(db).await;
        two_organisations(&app, Role::Manager).await;
        sees_only_their_organisation(&app).await;
    }

    async fn a_dpo_sees_their_organisations_events_and_never_another_organisations(db) {
        let app = TestApp::spawn(db).await;
        two_organisations(&app, Role::Dpo).await;
        sees_only_their_organisation(&app).await;
    }

    async fn other_roles_get_not_found_on_every_audit_route(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@a.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let a = org_id(&app, "ccas-a").await;
        event_at(&app, tagged(AuditAction::LoginSucceeded, Some(a), "a1"), "2024-03-01T09:00:00Z").await;
        event_at(&app, tagged(AuditAction::UserCreated, None, "i1"), "2024-03-01T09:00:00Z").await;
        for role in [Role::Worker, Role::Reception, Role::Supervisor, Role::PeerMediator, Role::Partner] {
            let email = format!("{}@a.example", role.as_str());
            app.create_user(&email, PASSWORD, Some(("ccas-a", role))).await;
            let client = TestApp::new_client();
            assert_eq!(app.sign_in_with(&client, &email, PASSWORD).await.status(), 303);
            for path in ["/admin/audit", "/admin/audit/instance"] {
                let res = client.get(app.url(path)).send().await.unwrap();
                assert_eq!(res.status(), 404, "{role} GET {path}");
            }
            for path in ["/admin/audit", "/admin/audit/export", "/admin/audit/instance", "/admin/audit/instance/export"] {
                let res = post(&app, &client, path, &[("action", "login_succeeded")]).await;
                assert_eq!(res.status(), 404, "{role} POST {path}");
                assert!(!res.text().await.unwrap().contains("rq-"), "nothing of the log leaks");
            }
            let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
            assert!(!home.contains("/admin/audit"), "{role} has no audit link");
        }
        assert!(export_events(&app, AuditScope::Everything).await.is_empty(), "no export happened");
    }

    async fn without_a_session_the_audit_pages_send_to_sign_in(db) {
        let app = TestApp::spawn(db).await;
        let res = app.get("/admin/audit").await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login");
        // A visitor's form token is valid, but no session: sent to sign in as well.
        let token = app.csrf_token(&app.client, "/login").await;
        for path in ["/admin/audit", "/admin/audit/export", "/admin/audit/instance"] {
            let res = app.client.post(app.url(path)).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
            assert_eq!(res.status(), 303, "{path}");
            assert_eq!(res.headers()["location"], "/login");
        }
    }

    async fn each_criterion_narrows_the_results(db) {
        let app = TestApp::spawn(db).await;
        let worker = app.create_user("worker@a.example", PASSWORD, Some(("ccas-a", Role::Worker))).await;
        let manager = app.create_user("manager@a.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let a = org_id(&app, "ccas-a").await;
        let (p1, p2) = (Uuid::now_v7(), Uuid::now_v7());
        use AuditAction::*;
        event_at(&app, tagged(LoginSucceeded, Some(a), "e1").by(worker), "2024-01-10T08:00:00Z").await;
        event_at(&app, tagged(PersonFileRead, Some(a), "e2").by(worker).on("person", p1), "2024-01-15T23:59:59Z").await;
        event_at(&app, tagged(RecordUpdated, Some(a), "e3").by(manager).on("person", p2), "2024-01-20T00:00:00Z").await;
        event_at(&app, tagged(PersonFileRead, Some(a), "e4").by(worker).on("person", p2), "2024-02-01T12:00:00Z").await;
        app.sign_in("manager@a.example", PASSWORD).await;

        let found = |fields: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (status, page) = search(app, &fields).await;
                assert_eq!(status, 200, "{fields:?}");
                tags(&page)
            }
        };
        assert_eq!(found(vec![]).await, ["rq-e4", "rq-e3", "rq-e2", "rq-e1"]);
        // The address is matched whatever its case and surrounding spaces.
        assert_eq!(found(vec![("user", " Worker@A.example ".into())]).await, ["rq-e4", "rq-e2", "rq-e1"]);
        assert_eq!(found(vec![("action", "person_file_read".into())]).await, ["rq-e4", "rq-e2"]);
        assert_eq!(found(vec![("subject", p2.to_string())]).await, ["rq-e4", "rq-e3"]);
        assert_eq!(found(vec![("from", "2024-01-15".into())]).await, ["rq-e4", "rq-e3", "rq-e2"]);
        assert_eq!(found(vec![("to", "2024-01-15".into())]).await, ["rq-e2", "rq-e1"], "the last day is included");
        assert_eq!(found(vec![("from", "2024-01-20".into()), ("to", "2024-01-20".into())]).await, ["rq-e3"]);
        assert_eq!(
            found(vec![("user", "worker@a.example".into()), ("subject", p2.to_string())]).await,
            ["rq-e4"],
            "criteria combine"
        );
        // The page shows who acted and what the criteria were.
        let (_, page) = search(&app, &[("user", "worker@a.example"), ("action", "person_file_read")]).await;
        let text = visible_text(&page);
        assert!(text.contains("Test User worker@a.example"), "{text}");
        assert_eq!(input_value(&page, "user"), "worker@a.example");
        assert!(page.contains("<option value=\"person_file_read\" selected>"), "the action stays chosen");
    }

    async fn wrong_criteria_give_field_errors_and_keep_what_was_typed(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@a.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.create_user("other@b.example", PASSWORD, Some(("ccas-b", Role::Worker))).await;
        app.sign_in("manager@a.example", PASSWORD).await;

        let typed = [
            ("user", "not an address"),
            ("subject", "1234"),
            ("action", "drop_table"),
            ("from", "2024-13-01"),
            ("to", "yesterday"),
        ];
        let (status, page) = search(&app, &typed).await;
        assert_eq!(status, 422);
        let text = visible_text(&page);
        for message in [
            "Saisissez une adresse e-mail",
            "Saisissez un identifiant de 36 caractères",
            "Choisissez une action dans la liste.",
            "Saisissez une date au format AAAA-MM-JJ",
        ] {
            assert!(text.contains(message), "{message}: {text}");
        }
        for (field, value) in typed.iter().filter(|(f, _)| *f != "action") {
            assert_eq!(input_value(&page, field), *value, "{field} keeps what was typed");
        }
        for field in ["user", "subject", "action", "from", "to"] {
            assert!(page.contains(&format!("href=\"#{field}\"")), "the summary links to {field}");
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{field} has its message");
        }
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(!page.contains("<table"), "no results with wrong criteria");

        // An address nobody has, or that of another organisation's account: the same answer.
        let (status, unknown) = search(&app, &[("user", "nobody@x.example"), ("from", "2024-01-01")]).await;
        assert_eq!(status, 422);
        let unknown_text = visible_text(&unknown);
        assert!(unknown_text.contains("Aucun compte de votre structure n'a cette adresse e-mail."), "{unknown_text}");
        assert_eq!(input_value(&unknown, "user"), "nobody@x.example");
        assert_eq!(input_value(&unknown, "from"), "2024-01-01");
        let (_, elsewhere) = search(&app, &[("user", "other@b.example"), ("from", "2024-01-01")]).await;
        assert_eq!(visible_text(&elsewhere).replace("other@b.example", "X"), unknown_text.replace("nobody@x.example", "X"));

        let (status, reversed) = search(&app, &[("from", "2024-02-01"), ("to", "2024-01-31")]).await;
        assert_eq!(status, 422);
        assert!(visible_text(&reversed).contains("La date de fin doit être identique ou postérieure"));
        assert!(reversed.contains("id=\"to-error\"") && !reversed.contains("id=\"from-error\""));

        // The export checks the criteria the same way, and exports nothing.
        let res = post(&app, &app.client, "/admin/audit/export", &[("subject", "1234")]).await;
        assert_eq!(res.status(), 422);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(export_events(&app, AuditScope::Everything).await.is_empty());
    }

    async fn older_events_pages_list_every_event_exactly_once(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("dpo@a.example", PASSWORD, Some(("ccas-a", Role::Dpo))).await;
        let a = org_id(&app, "ccas-a").await;
        let mut tx = app.state.db.begin_write().await.unwrap();
        let at = Ts::from(OffsetDateTime::parse("2024-05-01T10:00:00Z", &Rfc3339).unwrap());
        for i in 0..123 {
            // Events share instants three by three: the id orders them.
            let at = Ts::from(at.get() + time::Duration::seconds(i / 3));
            let event = tagged(AuditAction::PersonFileRead, Some(a), &format!("{i:03}"));
            store::audit::append(&mut tx, &event, at).await.unwrap();
        }
        tx.commit().await.unwrap();
        app.sign_in("dpo@a.example", PASSWORD).await;

        let criteria = [("action", "person_file_read"), ("from", "2024-05-01")];
        let (_, mut page) = search(&app, &criteria).await;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            pages += 1;
            let found = tags(&page);
            assert!(found.len() <= 50, "a page holds 50 events at most");
            seen.extend(found);
            if !page.contains("name=\"cursor\"") {
                break;
            }
            // The "older events" form carries the criteria and where to start.
            assert_eq!(input_value(&page, "action"), "person_file_read");
            let cursor = input_value(&page, "cursor");
            let mut fields = criteria.to_vec();
            fields.push(("cursor", cursor.as_str()));
            let (status, next) = search(&app, &fields).await;
            assert_eq!(status, 200);
            page = next;
            assert!(pages < 10, "paging ends");
        }
        assert_eq!(pages, 3);
        assert!(visible_text(&page).contains("23 évènements plus anciens"), "{}", visible_text(&page));
        let unique: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(seen.len(), 123, "every event once");
        assert_eq!(unique.len(), 123, "no event twice");
        // Within one instant the order follows the ids, not the tags; across instants the
        // newest come first.
        assert_eq!(seen.first().map(|t| &t[..5]), Some("rq-12"));
        assert_eq!(seen.last().map(|t| &t[..5]), Some("rq-00"));
    }

    async fn the_csv_export_is_translated_quoted_neutralised_and_audited(db) {
        let app = TestApp::spawn(db).await;
        let dpo = app.create_user("dpo@a.example", PASSWORD, Some(("ccas-a", Role::Dpo))).await;
        let a = org_id(&app, "ccas-a").await;
        let subject = Uuid::now_v7();
        event_at(&app, tagged(AuditAction::BreakTheGlass, Some(a), "x1").by(dpo).on("person", subject)
            .because("Urgence, \"appel\" du 115\nsuite à l'hébergement"), "2024-06-01T08:30:00Z").await;
        event_at(&app, tagged(AuditAction::RecordUpdated, Some(a), "x2").because("=HYPERLINK(\"http://x.example\")"), "2024-06-02T08:30:00Z").await;
        event_at(&app, tagged(AuditAction::RecordUpdated, Some(a), "x3").because("+33 6 12 34 56 78").detail("fields", 3), "2024-06-03T08:30:00Z").await;
        event_at(&app, tagged(AuditAction::RecordUpdated, Some(a), "x4").because("@SUM(A1)"), "2024-06-04T08:30:00Z").await;
        app.sign_in("dpo@a.example", PASSWORD).await;

        let criteria = [("from", "2024-06-01"), ("to", "2024-06-30")];
        let res = post(&app, &app.client, "/admin/audit/export", &criteria).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment; filename=\"audit-"), "{disposition}");
        let name = disposition.trim_start_matches("attachment; filename=\"").trim_end_matches('"');
        assert!(name.len() == "audit-20240601-083000.csv".len() && name.ends_with(".csv"), "{name}");
        assert!(name[6..14].bytes().all(|b| b.is_ascii_digit()) && &name[14..15] == "-");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body = res.bytes().await.unwrap();
        assert_eq!(&body[..3], b"\xEF\xBB\xBF", "a UTF-8 byte order mark first");
        let csv = String::from_utf8(body[3..].to_vec()).unwrap();
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "Date et heure (UTC),Fait par,Adresse e-mail,Action,Code de l'action,Type d'élément,\
             Identifiant de l'élément,Adresse du client,N° de requête,Motif,Détails,Identifiant de l'évènement"
        );
        assert!(csv.ends_with("\r\n"));
        assert_eq!(tags(&csv), ["rq-x4", "rq-x3", "rq-x2", "rq-x1"]);
        // Quoted with doubled quotes, the line break kept inside the cell.
        assert!(csv.contains(&format!(
            "2024-06-01 08:30:00,Test User,dpo@a.example,Accès d'urgence (bris de glace),break_the_glass,person,{subject},192.0.2.10,rq-x1,\
             \"Urgence, \"\"appel\"\" du 115\nsuite à l'hébergement\",,"
        )), "{csv}");
        // Formulas are neutralised; an event without an actor is the system's.
        assert!(csv.contains(",\"'=HYPERLINK(\"\"http://x.example\"\")\","), "{csv}");
        assert!(csv.contains(",'+33 6 12 34 56 78,\"{\"\"fields\"\":3}\","), "{csv}");
        assert!(csv.contains(",'@SUM(A1),"), "{csv}");
        assert!(csv.contains("2024-06-04 08:30:00,système / ligne de commande,,Élément modifié,record_updated,"), "{csv}");
        assert_eq!(csv.matches("\r\n").count(), 5, "a header and four rows");

        // The export is recorded in the organisation's chain, which still verifies.
        let exports = export_events(&app, AuditScope::Organisation(a)).await;
        assert_eq!(exports.len(), 1);
        assert_eq!(exports[0].actor(), Some(dpo));
        assert_eq!(exports[0].details.as_deref(), Some(r#"{"kind":"audit_csv","rows":4}"#));
        assert!(exports[0].client_addr.is_some() && exports[0].request_id.is_some());
        let report = store::audit::verify(&app.state.db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");

        // In English, the header is English; the export shows up in a search.
        let token = token(&app, &app.client).await;
        let english = app.client.post(app.url("/admin/audit/export")).header("accept-language", "en")
            .form(&[("csrf_token", token.as_str()), ("action", "export")]).send().await.unwrap();
        let english = english.text().await.unwrap();
        assert!(english.starts_with("\u{feff}Time (UTC),Done by,E-mail address,Action,Action code,"), "{english}");
        assert!(english.contains(",Export,export,"), "the first export is listed: {english}");
        assert_eq!(export_events(&app, AuditScope::Organisation(a)).await.len(), 2);
    }

    async fn a_search_or_export_without_a_csrf_token_is_refused(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("manager@a.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        app.sign_in("manager@a.example", PASSWORD).await;
        for path in ["/admin/audit", "/admin/audit/export"] {
            let res = app.client.post(app.url(path)).form(&[("action", "login_succeeded")]).send().await.unwrap();
            assert_eq!(res.status(), 403, "{path}");
            let forged = app.client.post(app.url(path)).form(&[("csrf_token", "0".repeat(64).as_str())]).send().await.unwrap();
            assert_eq!(forged.status(), 403, "{path}");
        }
        assert!(export_events(&app, AuditScope::Everything).await.is_empty(), "nothing was exported");
    }

    async fn instance_administrators_search_the_instance_log_only(db) {
        let app = TestApp::spawn(db).await;
        app.create_user("admin@x.example", PASSWORD, None).await;
        app.create_user("manager@a.example", PASSWORD, Some(("ccas-a", Role::Manager))).await;
        let a = org_id(&app, "ccas-a").await;
        event_at(&app, tagged(AuditAction::OrganisationCreated, None, "i1").on("organisation", a.as_uuid()), "2024-03-01T09:00:00Z").await;
        event_at(&app, tagged(AuditAction::PersonFileRead, Some(a), "a1"), "2024-03-01T10:00:00Z").await;
        app.sign_in("admin@x.example", PASSWORD).await;

        let home = app.get("/").await.text().await.unwrap();
        assert!(home.contains("href=\"/admin/audit/instance\""), "the nav leads to the instance log");
        assert_eq!(app.get("/admin/audit").await.status(), 404, "no organisation's log");
        assert_eq!(app.get("/admin/audit/instance").await.status(), 200);
        let res = post(&app, &app.client, "/admin/audit/instance", &[("to", "2024-12-31")]).await;
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert_eq!(tags(&page), ["rq-i1"]);
        let text = visible_text(&page);
        assert!(text.contains("système / ligne de commande"), "{text}");
        assert!(text.contains("Structure créée"));
        // Any account may be named on the instance log, and the admin's own is found.
        let res = post(&app, &app.client, "/admin/audit/instance", &[("user", "manager@a.example")]).await;
        assert_eq!(res.status(), 200);

        let csv = post(&app, &app.client, "/admin/audit/instance/export", &[("to", "2024-12-31")]).await;
        assert_eq!(csv.status(), 200);
        assert_eq!(tags(&csv.text().await.unwrap()), ["rq-i1"]);
        let exports = export_events(&app, AuditScope::Instance).await;
        assert_eq!(exports.len(), 1, "recorded in the instance chain");
        assert_eq!(exports[0].details.as_deref(), Some(r#"{"kind":"audit_csv","rows":1}"#));
        assert!(export_events(&app, AuditScope::Organisation(a)).await.is_empty());
    }

    async fn the_audit_link_shows_only_to_those_who_may_use_it(db) {
        let app = TestApp::spawn(db).await;
        for (email, role) in [("manager@a.example", Role::Manager), ("dpo@a.example", Role::Dpo), ("worker@a.example", Role::Worker)] {
            app.create_user(email, PASSWORD, Some(("ccas-a", role))).await;
            let client = TestApp::new_client();
            app.sign_in_with(&client, email, PASSWORD).await;
            let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
            assert_eq!(home.contains("href=\"/admin/audit\""), role != Role::Worker, "{role}");
        }
        let anonymous = app.get("/login").await.text().await.unwrap();
        assert!(!anonymous.contains("/admin/audit"));
    }
}
