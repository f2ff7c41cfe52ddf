//! `TestApp`: the real application on a random port with a fresh database, and a client that
//! keeps cookies. Every later feature adds its helpers here.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use secrecy::SecretString;
use testkit::TestDb;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
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
    }
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        Self::spawn_with(db, Router::new()).await
    }

    /// With extra routes (probes for panics, slow requests…).
    pub async fn spawn_with(db: TestDb, extra: Router<AppState>) -> TestApp {
        Self::spawn_configured(db, test_config(), extra).await
    }

    pub async fn spawn_configured(
        db: TestDb,
        config: WebConfig,
        extra: Router<AppState>,
    ) -> TestApp {
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
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
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
