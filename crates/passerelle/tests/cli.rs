//! The `passerelle` binary as an administrator meets it: start-up, configuration errors,
//! `check`, `migrate`, the demo. Runs the real executable in a scratch folder.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use testkit::engine_tests;

mod backup;
mod document_files;
mod retention;

const KEY: &str = "cli-test-secret-key-0123456789abcdef0123";

fn passerelle(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("PASSERELLE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("PASSERELLE_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    passerelle(dir, args, env).output().expect("the binary runs")
}

/// A running server and what it printed before listening.
struct Server {
    child: Child,
    base_url: String,
    printed: Vec<String>,
}

impl Server {
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = passerelle(dir, args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut printed = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("Passerelle listening on ") {
                        let base_url = url.to_owned();
                        printed.push(line);
                        return Server { child, base_url, printed };
                    }
                    printed.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let out = child.wait_with_output().unwrap();
                    panic!(
                        "the server did not start; it printed {printed:?} and {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
        }
    }

    /// Sends SIGTERM and returns the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure exit");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stderr}");
    assert!(lines[0].starts_with("passerelle: error: "), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    stderr
}

async fn get(url: &str, lang: &str) -> (u16, String) {
    let res = reqwest::Client::new().get(url).header("accept-language", lang).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn with_no_configuration_it_serves_on_sqlite_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &[]);
    assert!(server.printed[0].contains("SQLite"), "{:?}", server.printed);
    let (status, fr) = get(&format!("{}/", server.base_url), "fr-FR").await;
    assert_eq!(status, 200);
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Se connecter à Passerelle"), "{fr}");
    let (_, en) = get(&format!("{}/", server.base_url), "en-GB").await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Sign in to Passerelle"));
    assert!(dir.path().join("data/passerelle.db").is_file());
    assert!(dir.path().join("data/secret.key").is_file());
    assert!(server.terminate().success(), "SIGTERM is a clean stop");
}

engine_tests! {
    async fn serve_migrates_an_empty_database_and_check_reports_it(db) {
        let empty = db.empty_like().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let env = [("PASSERELLE_DATABASE_URL", empty.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
        let before = run(dir.path(), &["check"], &env);
        let before_text = String::from_utf8_lossy(&before.stdout).into_owned();
        let migrations = migration_count();
        if db.engine == store::Engine::Postgres {
            assert!(before_text.contains(&format!("0 applied, {migrations} pending")), "{before_text}");
        }
        let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
        assert!(server.printed[0].contains(&format!("{migrations} migration(s) applied")), "{:?}", server.printed);
        let (status, html) = get(&format!("{}/", server.base_url), "fr").await;
        assert_eq!(status, 200);
        assert!(html.contains("Se connecter à Passerelle"));
        assert_eq!(get(&format!("{}/readyz", server.base_url), "fr").await.0, 200);
        assert!(server.terminate().success());
        let check = run(dir.path(), &["check"], &env);
        let text = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "{text}");
        assert!(text.contains(db.engine.name()), "{text}");
        assert!(text.contains(&format!("{migrations} applied, 0 pending")), "{text}");
        assert!(text.contains("organisations:   0"), "{text}");
        assert!(!text.contains(KEY), "check never prints the secret key");
        let migrate = run(dir.path(), &["migrate"], &env);
        assert!(String::from_utf8_lossy(&migrate.stdout).contains("0 migration(s) applied"));
    }
}

/// What a privileged tamperer does: take the append-only triggers out of the way, then change
/// one event's reason.
async fn tamper_with_reason(db: &store::Db, event_id: uuid::Uuid) {
    let update = "UPDATE audit_events SET reason = 'routine' WHERE id = $1";
    match db {
        store::Db::Sqlite(p) => {
            sqlx::raw_sql("DROP TRIGGER audit_events_no_update").execute(p).await.unwrap();
            sqlx::query(update).bind(event_id).execute(p).await.unwrap();
        }
        store::Db::Postgres(p) => {
            sqlx::raw_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
                .execute(p)
                .await
                .unwrap();
            sqlx::query(update).bind(event_id).execute(p).await.unwrap();
        }
    }
}

engine_tests! {
    async fn audit_verify_passes_an_intact_log_and_names_a_tampered_event(db) {
        use domain::audit::AuditAction;
        use store::audit::NewAuditEvent;

        let dir = tempfile::tempdir().unwrap();
        let env = [("PASSERELLE_DATABASE_URL", db.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
        let migrate = run(dir.path(), &["migrate"], &env);
        assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));

        let conn = db.connect().await;
        let new_org = domain::organisations::NewOrganisation {
            id: domain::OrganisationId::new(),
            slug: domain::organisations::Slug::parse("ccas-test").unwrap(),
            name: domain::organisations::DisplayName::parse("CCAS de Test").unwrap(),
            time_zone: "Europe/Paris".into(),
        };
        let org = store::organisations::insert(&conn, &new_org, store::Ts::now()).await.unwrap();
        let subject = uuid::Uuid::now_v7();
        let mut events = Vec::new();
        for event in [
            NewAuditEvent::new(AuditAction::OrganisationCreated, None)
                .on("organisation", org.id.as_uuid()),
            NewAuditEvent::new(AuditAction::PersonFileRead, Some(org.id)).on("person", subject),
            NewAuditEvent::new(AuditAction::BreakTheGlass, Some(org.id))
                .on("person", subject)
                .because("emergency"),
            NewAuditEvent::new(AuditAction::Export, Some(org.id)),
        ] {
            events.push(store::audit::append_now(&conn, &event).await.unwrap());
        }

        let intact = run(dir.path(), &["audit", "verify"], &env);
        let text = String::from_utf8_lossy(&intact.stdout).into_owned();
        assert!(intact.status.success(), "{text}{}", String::from_utf8_lossy(&intact.stderr));
        assert!(text.contains("chain instance: 1 event, intact"), "{text}");
        assert!(text.contains("chain ccas-test: 3 events, intact"), "{text}");

        let target = &events[2];
        tamper_with_reason(&conn, target.id).await;
        conn.close().await;
        let broken = run(dir.path(), &["audit", "verify"], &env);
        let text = String::from_utf8_lossy(&broken.stdout).into_owned();
        let err = one_line_error(&broken);
        assert!(err.contains("the audit log does not verify"), "{err}");
        let expected = format!("chain ccas-test: 3 events, BROKEN at event {} (seq 2)", target.id);
        assert!(text.contains(&expected), "{text}");
        assert!(text.contains("chain instance: 1 event, intact"), "{text}");
    }
}

#[test]
fn a_bad_configuration_value_is_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let err = one_line_error(&run(dir.path(), &["serve"], &[("PASSERELLE_BIND", "everywhere")]));
    assert!(err.contains("PASSERELLE_BIND") && err.contains("everywhere"), "{err}");
    std::fs::write(dir.path().join("passerelle.toml"), "log = \"info\"\nport = 80\n").unwrap();
    let err = one_line_error(&run(dir.path(), &["check"], &[]));
    assert!(err.contains("passerelle.toml, line 2") && err.contains("port"), "{err}");
}

#[test]
fn postgres_without_a_secret_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let err = one_line_error(&run(
        dir.path(),
        &["serve"],
        &[("PASSERELLE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")],
    ));
    assert!(err.contains("PASSERELLE_SECRET_KEY"), "{err}");
}

#[test]
fn an_unreachable_database_is_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let err = one_line_error(&run(
        dir.path(),
        &["serve"],
        &[
            ("PASSERELLE_DATABASE_URL", "postgres://app:hunter2@127.0.0.1:9/x"),
            ("PASSERELLE_SECRET_KEY", KEY),
        ],
    ));
    assert!(
        err.contains("cannot connect to the database at postgres://app:***@127.0.0.1:9/x"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
}

#[test]
fn a_port_in_use_is_one_line_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = one_line_error(&run(dir.path(), &["serve", "--bind", &addr], &[]));
    assert!(
        err.contains(&format!("cannot listen on {addr}")) && err.contains("already in use"),
        "{err}"
    );
}

#[test]
fn check_before_the_first_start_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("will be created at first start"), "{text}");
    assert!(!dir.path().join("data").exists(), "check only looks");
}

#[tokio::test]
async fn the_demo_has_its_own_database_and_never_touches_the_configured_one() {
    let dir = tempfile::tempdir().unwrap();
    // The configured database is unreachable: the demo must not even try it.
    let env = [
        ("PASSERELLE_DATABASE_URL", "postgres://postgres@127.0.0.1:9/real"),
        ("PASSERELLE_SECRET_KEY", KEY),
    ];
    let server = Server::start(dir.path(), &["serve", "--demo", "--bind", "127.0.0.1:0"], &env);
    let printed = server.printed.join("\n");
    assert!(printed.contains("CCAS de Valbourg [ccas-valbourg]"), "{printed}");
    assert!(printed.contains("Demo accounts (password for all: passerelle-demo)"), "{printed}");
    assert!(printed.contains("admin@passerelle.example"), "{printed}");
    // The ARGON2 settings are the production ones here: the printed password really works.
    let browser = Browser::new(&server.base_url);
    assert_eq!(browser.sign_in("admin@passerelle.example", "passerelle-demo").await, 303);
    let html = browser.get("/").await;
    assert!(html.contains("Association Le Relais"), "{html}");
    assert!(server.terminate().success());
    assert!(dir.path().join("data/demo/passerelle.db").is_file());
    assert!(!dir.path().join("data/passerelle.db").exists());
    let again = run(dir.path(), &["demo", "seed"], &env);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success() && text.contains("already present"), "{text}");

    // Every organisation follows its fictitious households, the ones the seed always gives.
    let population = store::demo::households(store::demo::DEFAULT_SEED);
    let persons: usize = population.iter().flatten().map(|h| h.members.len()).sum();
    assert!(printed.contains(&format!("330 households, {persons} persons")), "{printed}");
    let url = format!("sqlite://{}", dir.path().join("data/demo/passerelle.db").display());
    let demo = store::Db::connect(&url, &store::db::PoolOptions::default()).await.unwrap();
    for (slug, households) in
        ["ccas-valbourg", "dept-haute-vallee", "le-relais"].iter().zip(&population)
    {
        let org = store::organisations::find_by_slug(&demo, slug).await.unwrap().unwrap();
        let expected: usize = households.iter().map(|h| h.members.len()).sum();
        assert_eq!(store::persons::count(&demo, org.id).await.unwrap(), expected as i64, "{slug}");
        let family = &households[0];
        let stored = store::persons::find(&demo, org.id, family.members[0].person_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.record, family.members[0].record, "{slug}");
        let members = store::households::members(&demo, family.id).await.unwrap();
        assert_eq!(members.len(), family.members.len(), "{slug}");
        assert_eq!(members[0].relationship, "self");
        // Found the way reception looks for them.
        let name = stored.record.display_name();
        let hits = store::persons::search(&demo, org.id, &name, 20).await.unwrap();
        assert!(hits.iter().any(|h| h.id == stored.id), "{slug}: {name}");
    }
    demo.close().await;
}

/// A browser's cookie jar and the anti-forgery token of the page it last read.
struct Browser {
    client: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, base: base.to_owned() }
    }

    async fn get(&self, path: &str) -> String {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap().text().await.unwrap()
    }

    fn csrf(html: &str) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let at = html.find(marker).expect("a form with a token") + marker.len();
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> u16 {
        let token = Self::csrf(&self.get(path).await);
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn sign_in(&self, email: &str, password: &str) -> u16 {
        self.post("/login", &[("email", email), ("password", password)]).await
    }
}

/// How many migrations the binary embeds.
fn migration_count() -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/postgres");
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count()
}

#[tokio::test]
async fn an_administrator_creates_an_organisation_and_an_account_that_signs_in_through_its_link() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("PASSERELLE_ARGON2_MEMORY_KIB", "64"), ("PASSERELLE_ARGON2_ITERATIONS", "1")];
    let out =
        run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "CCAS de Test"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "Autre"], &env);
    assert!(one_line_error(&again).contains("already taken"));
    let bad = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "x@y.example",
            "--name",
            "X",
            "--org",
            "ccas-test",
            "--role",
            "boss",
        ],
        &env,
    );
    assert!(one_line_error(&bad).contains("expected one of admin, manager, worker"));
    let missing = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "x@y.example",
            "--name",
            "X",
            "--org",
            "nope",
            "--role",
            "worker",
        ],
        &env,
    );
    assert!(one_line_error(&missing).contains("no such organisation"));
    let list = run(dir.path(), &["org", "list"], &env);
    assert!(String::from_utf8_lossy(&list.stdout).contains("ccas-test"));

    let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
    let base_env = [env[0], env[1], ("PASSERELLE_BASE_URL", server.base_url.as_str())];
    let out = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "Camille.Martin@CCAS.example",
            "--name",
            "Camille Martin",
            "--org",
            "ccas-test",
            "--role",
            "worker",
        ],
        &base_env,
    );
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{printed}");
    let link =
        printed.lines().find(|l| l.starts_with("http")).expect("a link is printed").to_owned();
    let path = link.strip_prefix(&server.base_url).unwrap().to_owned();
    let browser = Browser::new(&server.base_url);
    let phrase = "trois hérons sur le pont-levis";
    assert_eq!(browser.post(&path, &[("password", phrase), ("confirm", phrase)]).await, 303);
    assert_eq!(
        browser.sign_in("camille.martin@ccas.example", phrase).await,
        303,
        "the e-mail is matched case-insensitively"
    );
    let home = browser.get("/").await;
    assert!(home.contains("CCAS de Test") && home.contains("Camille Martin"), "{home}");
    assert!(server.terminate().success());
    let verify = run(dir.path(), &["audit", "verify"], &env);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    for command in [
        "serve",
        "migrate",
        "check",
        "demo",
        "audit",
        "token",
        "bench-data",
        "backup",
        "restore",
        "files",
        "retention",
    ] {
        assert!(text.contains(command), "{text}");
    }
}

engine_tests! {
    async fn token_create_prints_a_token_that_works_against_the_running_server(db) {
        let dir = tempfile::tempdir().unwrap();
        let env = [("PASSERELLE_DATABASE_URL", db.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
        let ok = |out: &Output| {
            assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        ok(&run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "CCAS de Test"], &env));
        ok(&run(dir.path(), &["user", "create", "--email", "camille@ccas.example", "--name", "Camille Martin", "--org", "ccas-test", "--role", "worker"], &env));
        let create = |scopes: &str, days: &str, email: &str| {
            run(dir.path(), &["token", "create", "--email", email, "--org", "ccas-test", "--scopes", scopes, "--days", days, "--name", "export de nuit"], &env)
        };
        let unknown_scope = one_line_error(&create("persons:read,persons:delete", "30", "camille@ccas.example"));
        assert!(unknown_scope.contains("\"persons:delete\""), "{unknown_scope}");
        assert!(one_line_error(&create("all", "0", "camille@ccas.example")).contains("--days 0"));
        assert!(one_line_error(&create("all", "30", "nobody@ccas.example")).contains("no such account"));
        let printed = ok(&create(" cases:read, persons:read ", "30", "Camille@CCAS.example"));
        assert!(printed.contains("Copy it now, it will not be shown again"), "{printed}");
        assert!(printed.contains("scopes persons:read,cases:read"), "{printed}");
        let token = printed.lines().find(|l| l.starts_with("psl_")).expect("the token is printed").to_owned();
        assert_eq!(token.len(), 68);
        let id = printed.lines().find_map(|l| l.strip_prefix("id: ")).expect("its id").to_owned();
        let expires = printed.lines().find_map(|l| l.strip_prefix("expires: ")).expect("its expiry").to_owned();
        assert!(expires.ends_with(" UTC") && expires.len() == 20, "{expires}");

        let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
        let me = |token: String| {
            let url = format!("{}/api/v1/me", server.base_url);
            async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap() }
        };
        let res = me(token.clone()).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["user"]["email"], "camille@ccas.example");
        assert_eq!(body["organisation"]["name"], "CCAS de Test");
        assert_eq!(body["role"], "worker");
        assert_eq!(body["scopes"], serde_json::json!(["persons:read", "cases:read"]));

        let list = ok(&run(dir.path(), &["token", "list", "--email", "camille@ccas.example"], &env));
        assert!(list.contains(&id) && list.contains("export de nuit") && list.contains("ccas-test") && list.contains("active"), "{list}");
        assert!(!list.contains(&token[4..]), "the list never prints a token");
        let revoked = ok(&run(dir.path(), &["token", "revoke", "--id", &id], &env));
        assert!(revoked.contains(&format!("Token {id} revoked")), "{revoked}");
        assert_eq!(me(token.clone()).await.status(), 401, "revoked at once, on the running server");
        let again = ok(&run(dir.path(), &["token", "revoke", "--id", &id], &env));
        assert!(again.contains("already revoked"), "{again}");
        assert!(one_line_error(&run(dir.path(), &["token", "revoke", "--id", "nope"], &env)).contains("not a token id"));
        assert!(server.terminate().success());
        let verify = run(dir.path(), &["audit", "verify"], &env);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    }
}

engine_tests! {
    async fn user_reset_password_prints_a_link_that_replaces_the_password_and_ends_the_sessions(db) {
        use domain::audit::AuditAction;

        let dir = tempfile::tempdir().unwrap();
        let env = [
            ("PASSERELLE_DATABASE_URL", db.url.as_str()),
            ("PASSERELLE_SECRET_KEY", KEY),
            ("PASSERELLE_ARGON2_MEMORY_KIB", "64"),
            ("PASSERELLE_ARGON2_ITERATIONS", "1"),
        ];
        let ok = |out: &Output| {
            assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        ok(&run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "CCAS de Test"], &env));
        let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
        let base_env = [env[0], env[1], env[2], env[3], ("PASSERELLE_BASE_URL", server.base_url.as_str())];
        let link_in = |printed: &str| {
            let link = printed.lines().find(|l| l.starts_with("http")).expect("a link is printed");
            link.strip_prefix(&server.base_url).expect("on the instance's address").to_owned()
        };
        let created = ok(&run(dir.path(), &["user", "create", "--email", "camille@ccas.example", "--name", "Camille Martin", "--org", "ccas-test", "--role", "worker"], &base_env));
        let first = "trois hérons sur le pont-levis";
        let browser = Browser::new(&server.base_url);
        assert_eq!(browser.post(&link_in(&created), &[("password", first), ("confirm", first)]).await, 303);
        assert_eq!(browser.sign_in("camille@ccas.example", first).await, 303);
        assert!(browser.get("/").await.contains("Camille Martin"));

        let reset = |email: &str| run(dir.path(), &["user", "reset-password", "--email", email], &base_env);
        assert!(one_line_error(&reset("nobody@ccas.example")).contains("no such account"));
        assert!(one_line_error(&reset("camille")).contains("not an e-mail address"));
        let earlier = link_in(&ok(&reset("Camille@CCAS.example")));
        let printed = ok(&reset("camille@ccas.example"));
        assert!(printed.contains("valid 24 hours, usable once"), "{printed}");
        let link = link_in(&printed);
        assert_ne!(link, earlier);
        let status = |path: String| {
            let url = format!("{}{path}", server.base_url);
            async move { reqwest::get(url).await.unwrap().status().as_u16() }
        };
        assert_eq!(status(earlier.clone()).await, 404, "a new link replaces the earlier one");
        assert_eq!(status(link.clone()).await, 200);
        assert!(browser.get("/").await.contains("Camille Martin"), "nothing changes before the link is used");

        let second = "une autre phrase de passe solide 9";
        assert_eq!(Browser::new(&server.base_url).post(&link, &[("password", second), ("confirm", second)]).await, 303);
        assert!(!browser.get("/").await.contains("Camille Martin"), "the session ended with the reset");
        assert_eq!(status(link).await, 404, "the link works once");
        assert_eq!(Browser::new(&server.base_url).sign_in("camille@ccas.example", first).await, 422);
        assert_eq!(Browser::new(&server.base_url).sign_in("camille@ccas.example", second).await, 303);
        assert!(server.terminate().success());

        let conn = db.connect().await;
        let filter = store::audit::AuditFilter::new(store::audit::AuditScope::Everything);
        let events = store::audit::search(&conn, &filter, None, 100).await.unwrap().events;
        let links: Vec<_> = events.iter().filter(|e| e.action() == Ok(AuditAction::AdminAction)).collect();
        assert_eq!(links.len(), 2, "each link is audited");
        for event in links {
            assert_eq!(event.reason.as_deref(), Some("command line"));
            assert!(event.details.as_deref().unwrap_or("").contains("\"change\":\"password_reset_link\""), "{:?}", event.details);
            assert_eq!(event.subject_type.as_deref(), Some("user"));
        }
        conn.close().await;
        let verify = run(dir.path(), &["audit", "verify"], &env);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    }
}

engine_tests! {
    async fn import_persons_reports_in_english_refuses_a_file_with_errors_and_never_doubles_people(db) {
        let dir = tempfile::tempdir().unwrap();
        let env = [("PASSERELLE_DATABASE_URL", db.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
        let ok = |out: &Output| {
            assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        ok(&run(dir.path(), &["org", "create", "--slug", "ccas-test", "--name", "CCAS de Test"], &env));
        let persons = || async {
            let conn = db.connect().await;
            let org = store::organisations::find_by_slug(&conn, "ccas-test").await.unwrap().unwrap();
            let n = store::persons::count(&conn, org.id).await.unwrap();
            conn.close().await;
            n
        };

        // Two bad lines: the report names them, nothing is written, the exit code says so.
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "Nom;Prénom;Date de naissance;Téléphone\nMartin;Sophie;01/01/2090;06 12 34 56 78\nDurand;Paul;12/03/1985;06 12\nPetit;Luc;;\n").unwrap();
        let out = run(dir.path(), &["import", "persons", "bad.csv", "--org", "ccas-test"], &env);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = one_line_error(&out);
        assert!(err.contains("bad.csv: 2 line(s) refused; nothing was imported"), "{err}");
        assert!(report.contains("2 lines with errors"), "{report}");
        assert!(report.contains("line 2, Birth date (column \"Date de naissance\"): A birth date cannot be in the future."), "{report}");
        assert!(report.contains("line 3, Phone numbers (column \"Téléphone\"): Line 1 is not a phone number"), "{report}");
        assert!(!report.contains("line 4"), "{report}");
        assert_eq!(persons().await, 0);

        // A clean file with a household, one column mapped by hand.
        let clean = dir.path().join("clean.csv");
        std::fs::write(&clean, "Foyer;Nom;Prénom;Née le;Col X;Lien;Remarque\nF1;Haddad;Nadia;01/01/1985;Valbourg;;à revoir\nF1;Haddad;Inès;02/05/2015;Valbourg;Enfant mineur;\n").unwrap();
        let args = ["import", "persons", "clean.csv", "--org", "ccas-test", "--map", "Col X=town"];
        let dry = ok(&run(dir.path(), &[&args[..], &["--dry-run"]].concat(), &env));
        assert!(dry.contains("\"Col X\" → Town"), "{dry}");
        assert!(dry.contains("Ignored columns (not imported): \"Remarque\"."), "{dry}");
        assert!(dry.contains("Ready to import: 2 persons and one household."), "{dry}");
        assert_eq!(persons().await, 0, "a dry run writes nothing");
        let done = ok(&run(dir.path(), &args, &env));
        assert!(done.contains("Imported: 2 persons and one household."), "{done}");
        assert_eq!(persons().await, 2);

        // Again: both rows are flagged, nobody is doubled.
        let again = ok(&run(dir.path(), &args, &env));
        assert!(again.contains("line 2: Possible duplicate of Haddad Nadia, born 01/01/1985, already registered."), "{again}");
        assert!(again.contains("Imported: no person and no household."), "{again}");
        assert_eq!(persons().await, 2);

        let unknown = one_line_error(&run(dir.path(), &["import", "persons", "clean.csv", "--org", "ccas-test", "--map", "Col Y=town"], &env));
        assert!(unknown.contains("--map \"Col Y=town\": the file has no column \"Col Y\""), "{unknown}");
        let verify = run(dir.path(), &["audit", "verify"], &env);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    }
}

/// (organisations, persons, households, memberships, search terms) in the database.
async fn bench_counts(db: &store::Db) -> [i64; 5] {
    let q = "SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM persons), \
             (SELECT count(*) FROM households), (SELECT count(*) FROM household_members), \
             (SELECT count(*) FROM person_terms)";
    let row: (i64, i64, i64, i64, i64) = match db {
        store::Db::Sqlite(p) => sqlx::query_as(q).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_as(q).fetch_one(p).await.unwrap(),
    };
    [row.0, row.1, row.2, row.3, row.4]
}

/// Whether the term index and (on PostgreSQL) the terms' foreign keys are in place: bench-data
/// takes them out of the way while it loads.
async fn term_checks_in_place(db: &store::Db) -> bool {
    match db {
        store::Db::Sqlite(p) => {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM sqlite_master WHERE name = 'person_terms_lookup_idx'",
            )
            .fetch_one(p)
            .await
            .unwrap();
            n == 1
        }
        store::Db::Postgres(p) => {
            let (index, keys): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT count(*) FROM pg_indexes WHERE indexname = 'person_terms_lookup_idx'), \
                        (SELECT count(*) FROM pg_constraint WHERE conrelid = 'person_terms'::regclass AND contype = 'f')",
            )
            .fetch_one(p)
            .await
            .unwrap();
            index == 1 && keys == 2
        }
    }
}

fn bench_data(dir: &Path, url: &str, seed: &str) -> Output {
    run(dir, &["bench-data", "--size", "xs", "--seed", seed, "--database-url", url], &[])
}

engine_tests! {
    async fn bench_data_fills_an_empty_database_the_same_way_for_a_seed_and_refuses_one_with_data(db) {
        let dir = tempfile::tempdir().unwrap();
        let out = bench_data(dir.path(), &db.url, "7");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("Generated 200 persons in "), "{text}");
        assert!(text.contains("200 cases with 2000 timeline entries"), "{text}");

        let conn = db.connect().await;
        let [orgs, persons, households, members, terms] = bench_counts(&conn).await;
        assert_eq!((orgs, persons, members), (1, 200, 200));
        assert!((25..=200).contains(&households), "{households}");
        assert!(terms > 200 * 10, "{terms}");
        assert!(term_checks_in_place(&conn).await, "the term index and keys are back");
        let org = store::organisations::find_by_slug(&conn, store::bench_data::SLUG).await.unwrap().unwrap();

        // A generated person reads back like one registered through the form: version 1, its
        // revision, its household.
        let (first, first_text) = store::bench_data::first_person(&conn, org.id).await.unwrap().unwrap();
        let person = store::persons::find(&conn, org.id, first).await.unwrap().unwrap();
        assert_eq!(person.version, 1);
        let revision = store::persons::revision(&conn, org.id, first, 1).await.unwrap().unwrap();
        assert_eq!(revision, person.record.to_form());
        let household = store::households::of_person(&conn, org.id, first).await.unwrap();
        assert_eq!(household[0].relationship, "self");

        // The benchmark queries are drawn from the data and each finds someone.
        let queries = store::bench_data::queries(&conn, org.id, 20, 1).await.unwrap();
        assert_eq!(queries.len(), 20);
        assert_eq!(queries, store::bench_data::queries(&conn, org.id, 20, 1).await.unwrap());
        for q in &queries {
            let hits = store::persons::search(&conn, org.id, q, 10).await.unwrap();
            assert!(!hits.is_empty(), "{q}");
            assert!(store::bench_data::raw_candidates(&conn, org.id, q).await.unwrap() >= hits.len(), "{q}");
        }
        let printed = run(dir.path(), &["bench-data", "--queries", "20", "--seed", "1", "--database-url", &db.url], &[]);
        assert_eq!(String::from_utf8_lossy(&printed.stdout).lines().collect::<Vec<_>>(), queries);
        // --time-raw answers each query read with its time and the raw query's candidates.
        let mut timer = passerelle(dir.path(), &["bench-data", "--time-raw", "--database-url", &db.url], &[])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input = format!("{}\nzzzzqqqq\n", queries[..3].join("\n"));
        std::io::Write::write_all(&mut timer.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let timed = timer.wait_with_output().unwrap();
        assert!(timed.status.success());
        let answers: Vec<(f64, usize)> = String::from_utf8_lossy(&timed.stdout)
            .lines()
            .map(|l| {
                let (ms, n) = l.split_once(' ').unwrap();
                (ms.parse().unwrap(), n.parse().unwrap())
            })
            .collect();
        assert_eq!(answers.len(), 4, "{answers:?}");
        for (q, (ms, n)) in queries[..3].iter().zip(&answers) {
            assert!(*ms > 0.0);
            assert_eq!(*n, store::bench_data::raw_candidates(&conn, org.id, q).await.unwrap(), "{q}");
        }
        assert_eq!(answers[3].1, 0);

        // A database that holds data is refused in one line, and left as it was.
        let again = bench_data(dir.path(), &db.url, "7");
        let err = one_line_error(&again);
        assert_eq!(again.status.code(), Some(1));
        assert!(err.contains("already holds data (1 organisation(s), 200 person(s))"), "{err}");
        assert_eq!(bench_counts(&conn).await, [orgs, persons, households, members, terms]);
        conn.close().await;

        // The same seed gives the same data; another seed, other data.
        for (seed, same) in [("7", true), ("8", false)] {
            let fresh = db.empty_like().await.unwrap();
            let out = bench_data(dir.path(), &fresh.url, seed);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let conn = fresh.connect().await;
            let org = store::organisations::find_by_slug(&conn, store::bench_data::SLUG).await.unwrap().unwrap();
            let other = store::bench_data::first_person(&conn, org.id).await.unwrap().unwrap();
            assert_eq!(other == (first, first_text.clone()), same, "seed {seed}: {other:?}");
            if same {
                assert_eq!(bench_counts(&conn).await, [orgs, persons, households, members, terms]);
            }
            conn.close().await;
        }
    }
}

#[test]
fn bench_data_without_a_size_or_with_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["bench-data"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--size"));
    let out = run(dir.path(), &["bench-data", "--size", "XL"], &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected S, M or L"));
    assert!(!dir.path().join("data").exists(), "nothing was created");
}

/// Runs `sql` (no parameters) on a PostgreSQL pool and returns the first column as i64.
async fn pg_count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Kill the server during a job: after a restart the job completes, once (issue 5). On
/// PostgreSQL, where the test can hold a job half-way through: it locks the sessions table, so
/// the purge of expired sessions that the server runs at start waits inside its transaction —
/// and the server is killed (SIGKILL) there. SQLite has no lock a test can hold on one table
/// only; the store's tests kill a runner mid-way on both engines.
#[tokio::test]
async fn a_server_killed_during_a_job_completes_it_once_after_a_restart() {
    let Some(test_db) = testkit::TestDb::postgres().await else { return };
    let db = test_db.migrated().await;
    let store::Db::Postgres(pool) = &db else { unreachable!("a PostgreSQL test database") };
    // An account with an expired session and a live one.
    let user = domain::UserId::new();
    let email = domain::accounts::Email::parse("camille.martin@valbourg.example").unwrap();
    let name = domain::organisations::DisplayName::parse("Camille Martin").unwrap();
    let new = store::accounts::NewUser {
        id: user,
        email: &email,
        display_name: &name,
        instance_admin: false,
    };
    let now = store::Ts::now();
    store::accounts::insert_user(&db, &new, now).await.unwrap();
    for (hash, expires) in [([1u8; 32], -60), ([2u8; 32], 3600)] {
        let session = store::sessions::NewSession {
            id_hash: &hash,
            user_id: user,
            active_organisation_id: None,
            expires_at: store::Ts::from(now.get() + time::Duration::seconds(expires)),
            device: "test",
            failed_logins_before: 0,
        };
        store::sessions::insert(&db, &session, now).await.unwrap();
    }

    let mut lock = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = [("PASSERELLE_DATABASE_URL", test_db.url.as_str()), ("PASSERELLE_SECRET_KEY", KEY)];
    let mut server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
    // The purge has begun: its job is running and its statement waits for the lock; the other
    // housekeeping jobs, which the lock does not hold, are done.
    let purge_running =
        "SELECT count(*) FROM jobs WHERE kind = 'purge_sessions' AND state = 'running'";
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                   AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM sessions%'";
    // The other housekeeping purges only: other periodic work (the e-mail digest) has its own
    // schedule and is no part of this.
    let purges: Vec<String> = store::jobs::housekeeping::SCHEDULES
        .iter()
        .filter(|s| s.name != "purge_sessions")
        .map(|s| format!("'{}'", s.name))
        .collect();
    let others = format!(
        "SELECT count(*) FROM jobs WHERE kind IN ({}) AND state = 'done' AND attempts = 1",
        purges.join(", ")
    );
    let other_jobs = purges.len() as i64;
    let started = std::time::Instant::now();
    while pg_count(pool, purge_running).await != 1
        || pg_count(pool, waiting).await != 1
        || pg_count(pool, &others).await != other_jobs
    {
        assert!(started.elapsed() < Duration::from_secs(30), "the purge never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    lock.rollback().await.unwrap();
    // The killed server's lease (five minutes) would expire by itself; let it have expired.
    sqlx::query("UPDATE jobs SET locked_until = now() WHERE kind = 'purge_sessions'")
        .execute(pool)
        .await
        .unwrap();

    let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
    let done = "SELECT count(*) FROM jobs WHERE kind = 'purge_sessions' AND state = 'done'";
    let started = std::time::Instant::now();
    while pg_count(pool, done).await != 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "the purge never completed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(server.terminate().success());
    // Once: one job for the period (the restarted server did not enqueue another), done at
    // its second attempt, and its effect.
    assert_eq!(pg_count(pool, "SELECT count(*) FROM jobs WHERE kind = 'purge_sessions'").await, 1);
    assert_eq!(pg_count(pool, "SELECT attempts FROM jobs WHERE kind = 'purge_sessions'").await, 2);
    assert_eq!(pg_count(pool, "SELECT count(*) FROM sessions").await, 1, "the expired one went");
    let live = "SELECT count(*) FROM sessions WHERE expires_at > now()";
    assert_eq!(pg_count(pool, live).await, 1, "the live one stayed");
    // The other housekeeping jobs ran once, in the first server's life, and not again (other
    // periodic work, such as ending case delegations every five minutes, has its own schedule
    // and may cross a period boundary during the test).
    let housekeeping = format!(
        "SELECT count(*) FROM jobs WHERE kind IN ({}, 'purge_sessions')",
        purges.join(", ")
    );
    assert_eq!(pg_count(pool, &housekeeping).await, other_jobs + 1);
}
