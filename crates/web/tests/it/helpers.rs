//! `TestApp`: the real application on a random port with a fresh database, and a client that
//! keeps cookies. Every later feature adds its helpers here.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use domain::accounts::{Email, Role};
use domain::organisations::DisplayName;
use domain::passwords::{HashParams, hash_password};
use domain::{MembershipId, UserId};
use secrecy::SecretString;
use store::{Ts, accounts, organisations};
use testkit::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use web::routes::Routes;
use web::{AppState, Application, WebConfig};

/// Everything the test binary logged, for tests that inspect logs.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs, once per test binary, a subscriber at `debug` that writes to a buffer.
pub fn logs() -> LogCapture {
    static CAPTURE: OnceLock<LogCapture> = OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let capture = LogCapture::default();
            let writer = capture.clone();
            let filter = web::telemetry::parse_filter("debug,sqlx=info,hyper=info").unwrap();
            let subscriber = web::telemetry::subscriber(filter, move || writer.clone(), false);
            tracing::subscriber::set_global_default(subscriber)
                .expect("one subscriber per test binary");
            capture
        })
        .clone()
}

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Kept so the database lives as long as the app (dropping it deletes it).
    pub _db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

pub fn test_config() -> WebConfig {
    WebConfig {
        base_url: "http://127.0.0.1".into(),
        trusted_proxies: vec![],
        secret_key: SecretString::from("test-secret-key-0123456789abcdef0123456789".to_owned()),
        session_idle: WebConfig::DEFAULT_SESSION_IDLE,
        session_absolute: WebConfig::DEFAULT_SESSION_ABSOLUTE,
        password_hashing: CHEAP,
        throttle_account: store::throttle::ThrottlePolicy::new(5),
        throttle_address: store::throttle::ThrottlePolicy::new(50),
        mail: None,
        sms: None,
        files: test_files(),
        transcription: None,
    }
}

/// A file store of its own in a scratch folder, with a fixed test key.
pub fn test_files() -> web::documents::FilesConfig {
    let root = std::env::temp_dir().join(format!("passerelle-it-files-{}", uuid::Uuid::now_v7()));
    let keys = files::FileKeys::parse(&SecretString::from(format!("test-1:{}", "5a".repeat(32))))
        .expect("a valid test key");
    web::documents::FilesConfig {
        store: files::FileStore::local(&root, keys).expect("a scratch folder"),
        max_upload_bytes: web::documents::FilesConfig::DEFAULT_MAX_UPLOAD_BYTES,
        reminder_days: web::documents::FilesConfig::DEFAULT_REMINDER_DAYS,
    }
}

/// The test key's file store in a fresh folder of the test bucket, when a test S3 server is
/// configured (`files::s3::testing`).
pub fn test_files_s3(config: &files::S3Config) -> web::documents::FilesConfig {
    let keys = files::FileKeys::parse(&SecretString::from(format!("test-1:{}", "5a".repeat(32))))
        .expect("a valid test key");
    web::documents::FilesConfig {
        store: files::FileStore::s3(config, keys).expect("the test bucket"),
        max_upload_bytes: web::documents::FilesConfig::DEFAULT_MAX_UPLOAD_BYTES,
        reminder_days: web::documents::FilesConfig::DEFAULT_REMINDER_DAYS,
    }
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        Self::spawn_with(db, Routes::new()).await
    }

    /// With extra routes (probes for panics, slow requests…).
    pub async fn spawn_with(db: TestDb, extra: Routes) -> TestApp {
        Self::spawn_configured(db, test_config(), extra).await
    }

    pub async fn spawn_configured(db: TestDb, config: WebConfig, extra: Routes) -> TestApp {
        logs();
        let pool = db.migrated().await;
        let app = Application::build_with(config, pool, "127.0.0.1:0".parse().unwrap(), extra)
            .await
            .expect("the application binds");
        let address = app.local_addr();
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp { address, client, state, _db: db, shutdown: Some(tx), server: Some(server) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_lang(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .expect("request sent")
    }

    /// A client with its own cookie jar: another browser.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The anti-forgery token of the sign-in form, as a browser would read it.
    pub async fn csrf_token(&self, client: &reqwest::Client, path: &str) -> String {
        let res = client.get(self.url(path)).send().await.unwrap();
        // A signed-in browser is sent on from the sign-in page; its pages carry the token.
        let res = match res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()) {
            Some(location) => client.get(self.url(&location)).send().await.unwrap(),
            None => res,
        };
        let html = res.text().await.unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token field on {path}"))
    }

    /// Signs in through the form; returns the response to the POST.
    pub async fn sign_in_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[("csrf_token", token.as_str()), ("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Signs this app's client in, and checks it worked.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let res = self.sign_in_with(&self.client, email, password).await;
        assert_eq!(res.status(), 303, "sign-in of {email} failed");
        assert_eq!(res.headers()["location"], "/");
    }

    /// Creates an account with a password, and its membership when `org` is given.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        org: Option<(&str, Role)>,
    ) -> UserId {
        let db = &self.state.db;
        let id = UserId::new();
        let email = Email::parse(email).unwrap();
        let name = DisplayName::parse("Test User").unwrap();
        let new = accounts::NewUser {
            id,
            email: &email,
            display_name: &name,
            instance_admin: org.is_none(),
        };
        accounts::insert_user(db, &new, Ts::now()).await.unwrap();
        accounts::set_password_hash(db, id, &hash_password(password, CHEAP), Ts::now())
            .await
            .unwrap();
        if let Some((slug, role)) = org {
            let org = match organisations::find_by_slug(db, slug).await.unwrap() {
                Some(o) => o,
                None => {
                    let new = domain::organisations::NewOrganisation {
                        id: domain::OrganisationId::new(),
                        slug: domain::organisations::Slug::parse(slug).unwrap(),
                        name: DisplayName::parse(slug).unwrap(),
                        time_zone: "Europe/Paris".into(),
                    };
                    organisations::insert(db, &new, Ts::now()).await.unwrap()
                }
            };
            accounts::insert_membership(db, MembershipId::new(), id, org.id, role, Ts::now())
                .await
                .unwrap();
        }
        id
    }

    /// Asks the server to stop and waits until it has.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.server.take() {
            Some(handle) => handle.await.expect("server task"),
            None => Ok(()),
        }
    }

    /// Stores an API token for `user_id` acting in the organisation `slug` (of which the user
    /// must be a member), expiring at `expires_at`; returns its id and its secret.
    pub async fn api_token(
        &self,
        user_id: UserId,
        slug: &str,
        scopes: &str,
        expires_at: Ts,
    ) -> (domain::ApiTokenId, String) {
        use domain::api_tokens::{Scopes, TokenName, TokenSecret};
        let db = &self.state.db;
        let org = organisations::find_by_slug(db, slug).await.unwrap().expect("the organisation");
        let secret = TokenSecret::generate();
        let new = store::api_tokens::NewApiToken {
            id: domain::ApiTokenId::new(),
            user_id,
            organisation_id: org.id,
            name: &TokenName::parse("test token").unwrap(),
            token_hash: &secret.hash(),
            scopes: &Scopes::parse(scopes).unwrap(),
            expires_at,
            created_by: Some(user_id),
        };
        let token = store::api_tokens::insert(db, &new, Ts::now()).await.unwrap();
        (token.id, secret.expose().to_owned())
    }

    /// A request from a client without cookies, carrying `Authorization: Bearer <token>`.
    pub async fn bearer(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::Response {
        TestApp::new_client()
            .request(method, self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Cheap hashing for tests; a unit test checks the production default.
pub const CHEAP: HashParams = HashParams { memory_kib: 64, iterations: 1, parallelism: 1 };

/// The value of the first `csrf_token` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

/// The text of an HTML page with tags removed and white space folded, for assertions on what
/// a person reads.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // The entities the templates' escaping produces.
    [
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&quot;", "\""),
        ("&#34;", "\""),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(folded, |text, (entity, c)| text.replace(entity, c))
}

/// A signed-in user's browser: cookies, the anti-forgery token of their session, their id.
pub struct Browser {
    pub client: reqwest::Client,
    pub csrf: String,
    pub id: String,
}

impl Browser {
    /// Posts a form with the anti-forgery token.
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client.post(app.url(path)).form(&form).send().await.unwrap()
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client.get(app.url(path)).send().await.unwrap()
    }

    /// A page in English, which must answer 200.
    pub async fn get_en(&self, app: &TestApp, path: &str) -> String {
        let res =
            self.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// A page, which must answer 200.
    pub async fn page(&self, app: &TestApp, path: &str) -> String {
        let res = self.get(app, path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }
}

/// Where a redirect goes.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// A member of the organisation `org` (created with a first member if needed) named `name`
/// (also their display name), with `role` and `teams` (team, supervises), signed in.
pub async fn member(
    app: &TestApp,
    org: &str,
    name: &str,
    role: Role,
    teams: &[(domain::TeamId, bool)],
) -> Browser {
    let email = format!("{}@{org}.example", name.to_lowercase());
    let id = app.create_user(&email, "correct horse battery staple", Some((org, role))).await;
    let sql = "UPDATE users SET display_name = $1 WHERE id = $2";
    match &app.state.db {
        store::Db::Sqlite(p) => {
            sqlx::query(sql).bind(name).bind(id.as_uuid()).execute(p).await.map(drop)
        }
        store::Db::Postgres(p) => {
            sqlx::query(sql).bind(name).bind(id.as_uuid()).execute(p).await.map(drop)
        }
    }
    .unwrap();
    let db = &app.state.db;
    let org_id = organisations::find_by_slug(db, org).await.unwrap().unwrap().id;
    let m = accounts::find_member_by_user(db, org_id, id).await.unwrap().unwrap();
    for (team, supervises) in teams {
        accounts::add_membership_team(db, m.membership_id, *team, *supervises).await.unwrap();
    }
    let client = TestApp::new_client();
    assert_eq!(
        app.sign_in_with(&client, &email, "correct horse battery staple").await.status(),
        303
    );
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    Browser { csrf: csrf_in(&html).unwrap(), client, id: id.to_string() }
}

/// A new team of the organisation `org` (created, with a DPO as first member, if needed).
pub async fn team_of(app: &TestApp, org: &str, name: &str) -> domain::TeamId {
    let db = &app.state.db;
    let org_id = match organisations::find_by_slug(db, org).await.unwrap() {
        Some(o) => o.id,
        None => {
            let email = format!("bootstrap@{org}.example");
            app.create_user(&email, "correct horse battery staple", Some((org, Role::Dpo))).await;
            organisations::find_by_slug(db, org).await.unwrap().unwrap().id
        }
    };
    let new = domain::organisations::NewTeam {
        id: domain::TeamId::new(),
        organisation_id: org_id,
        name: DisplayName::parse(name).unwrap(),
    };
    store::teams::insert(db, &new, Ts::now()).await.unwrap().id
}

/// Registers a person named `name` and opens a case for them in `team`, with the browser's
/// user as referent; returns the case's id.
pub async fn open_case_for(app: &TestApp, b: &Browser, team: domain::TeamId, name: &str) -> String {
    let res = b
        .post(
            app,
            "/persons/new",
            &[("birth_name", name), ("first_names", "Camille"), ("birth_date", "12/03/1985")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let res = b
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[("reason", "Dettes de loyer"), ("team", &team.to_string()), ("referent", &b.id)],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned()
}

/// A job runner over the app's database with `registry`, polling every 20 ms and retrying
/// after 10 ms: jobs of a test run at once.
pub fn fast_runner(
    app: &TestApp,
    registry: store::jobs::runner::Registry,
) -> store::jobs::runner::RunnerHandle {
    use store::jobs::runner::{Runner, RunnerOptions};
    let options = RunnerOptions {
        poll_interval: std::time::Duration::from_millis(20),
        backoff: domain::jobs::Backoff {
            base: time::Duration::milliseconds(10),
            cap: time::Duration::milliseconds(10),
        },
        ..RunnerOptions::for_engine(app.state.db.engine())
    };
    Runner::new(app.state.db.clone(), registry, options).spawn()
}

/// Waits until no job of `kind` is pending and at least `done` are done (a minute at most: an
/// erasure's scrub on PostgreSQL waits for the cluster's older transactions to end, however
/// long another database's take).
pub async fn settle_jobs(app: &TestApp, kind: &str, done: usize) {
    use domain::jobs::JobState;
    for _ in 0..3000 {
        let mut pending = 0;
        let mut finished = 0;
        for state in JobState::ALL {
            let page = store::jobs::list(&app.state.db, state, None, 200).await.unwrap();
            let n = page.jobs.iter().filter(|j| j.kind == kind).count();
            if state.is_pending() {
                pending += n;
            } else if state == JobState::Done {
                finished += n;
            }
        }
        if pending == 0 && finished >= done {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("jobs of {kind} did not settle");
}
