//! The `passerelle` binary as an administrator meets it: start-up, configuration errors,
//! `check`, `migrate`, the demo. Runs the real executable in a scratch folder.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use testkit::engine_tests;

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
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Bienvenue sur Passerelle"));
    let (_, en) = get(&format!("{}/", server.base_url), "en-GB").await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Welcome to Passerelle"));
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
        if db.engine == store::Engine::Postgres {
            assert!(before_text.contains("0 applied, 1 pending"), "{before_text}");
        }
        let server = Server::start(dir.path(), &["serve", "--bind", "127.0.0.1:0"], &env);
        assert!(server.printed[0].contains("1 migration(s) applied"), "{:?}", server.printed);
        let (status, html) = get(&format!("{}/", server.base_url), "fr").await;
        assert_eq!(status, 200);
        assert!(html.contains("Bienvenue sur Passerelle"));
        assert_eq!(get(&format!("{}/readyz", server.base_url), "fr").await.0, 200);
        assert!(server.terminate().success());
        let check = run(dir.path(), &["check"], &env);
        let text = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "{text}");
        assert!(text.contains(db.engine.name()), "{text}");
        assert!(text.contains("1 applied, 0 pending"), "{text}");
        assert!(text.contains("organisations:   0"), "{text}");
        assert!(!text.contains(KEY), "check never prints the secret key");
        let migrate = run(dir.path(), &["migrate"], &env);
        assert!(String::from_utf8_lossy(&migrate.stdout).contains("0 migration(s) applied"));
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
    assert!(printed.contains("Demo accounts"), "{printed}");
    let (_, html) = get(&format!("{}/", server.base_url), "fr").await;
    assert!(html.contains("Association Le Relais"));
    assert!(server.terminate().success());
    assert!(dir.path().join("data/demo/passerelle.db").is_file());
    assert!(!dir.path().join("data/passerelle.db").exists());
    let again = run(dir.path(), &["demo", "seed"], &env);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success() && text.contains("already present"), "{text}");
}

#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "check", "demo"] {
        assert!(text.contains(command), "{text}");
    }
}
